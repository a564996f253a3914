package identity

import "testing"

func TestAddressBucket(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ip, want string
	}{
		{"OKIPv4", "203.0.113.7", "203.0.113.7"},
		{"OKIPv4Mapped", "::ffff:203.0.113.7", "203.0.113.7"},
		{"OKIPv6Network", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"OKIPv6SameNetwork", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"OKIPv6Zone", "fe80::1%eth0", "fe80::/64"},
		{"OKNotAnAddress", "unknown", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := addressBucket(tt.ip); got != tt.want {
				t.Fatalf("addressBucket(%q) = %q, want %q", tt.ip, got, tt.want)
			}
		})
	}
}
