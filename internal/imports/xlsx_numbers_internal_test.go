package imports

import "testing"

func TestDropsDigits(t *testing.T) {
	t.Parallel()
	custom := map[int]string{164: "00000", 165: `0.0E+0`, 166: `"E+"0`, 167: `0\E+0`, 168: "general", 169: `[$E+-409]0`,
		170: "##0.00e-0;-##0.00e-0", 171: `[<=9999999]###\-####;\(###\)\ ###\-####`, 11: "0",
		172: `"Tel. "0.00E+00`, 173: `[Blue]0.00E+00`, 174: `0_E+0`, 175: `0*E+0`, 176: `[$-411]m/d/ge`}
	tests := []struct {
		name string
		id   int
		want bool
	}{
		{"General", 0, true},
		{"BuiltInScientific", 48, true},
		{"BuiltInNumber", 1, false},
		{"BuiltInDate", 14, false},
		{"CustomOverridesBuiltIn", 11, false},
		{"ZipCode", 164, false},
		{"CustomScientific", 165, true},
		{"QuotedE", 166, false},
		{"EscapedE", 167, false},
		{"CustomGeneral", 168, true},
		{"BracketedE", 169, false},
		{"LowerCaseSections", 170, true},
		{"PhoneFormat", 171, false},
		{"ScientificAfterQuotedText", 172, true},
		{"ScientificAfterColor", 173, true},
		{"PaddedE", 174, false},
		{"FillE", 175, false},
		{"EndsInE", 176, false}, // the Japanese era's year, last

	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := dropsDigits(tt.id, custom); got != tt.want {
				t.Fatalf("dropsDigits(%d) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}
