package imports

import (
	"sync"
	"time"

	"github.com/google/uuid"
)

// placeWait is how long an import job refused a place waits (snoozes)
// before it asks again; a yielding import waits as long, so an import of
// another tenant refused before the yield asks first.
const placeWait = 5 * time.Second

// waitingFor is how long a tenant counts as waiting for a place after its
// import was last refused one. Its job asks again every placeWait; a
// tenant whose job ran in another process meanwhile stops counting after
// this.
const waitingFor = 30 * time.Second

// places shares a process's MaxRunning import places fairly between
// tenants. A place goes to whoever asks first, except that while a tenant
// with no import running here waits for one, a tenant that already runs
// one here gets no second place, and one that runs several hands one
// back at its next yield point (places.yield). So one tenant's queue of
// big imports delays another tenant's small one by a batch or two, not by
// a whole import or the run's YieldAfter.
type places struct {
	mu       sync.Mutex
	max      int
	taken    int
	running  map[uuid.UUID]int       // tenant → its imports running here
	yielding map[uuid.UUID]int       // tenant → its imports handing their place back
	waiting  map[uuid.UUID]time.Time // tenant → when its import was last refused a place
	now      func() time.Time
}

func newPlaces(maxRunning int) *places {
	return &places{max: maxRunning, running: map[uuid.UUID]int{}, yielding: map[uuid.UUID]int{},
		waiting: map[uuid.UUID]time.Time{}, now: time.Now}
}

// starved reports whether a tenant other than tenant waits for a place
// with no import running here. The caller holds mu.
func (p *places) starved(tenant uuid.UUID) bool {
	now := p.now()
	for t, since := range p.waiting {
		switch {
		case now.Sub(since) > waitingFor:
			delete(p.waiting, t)
		case t != tenant && p.running[t] == 0:
			return true
		}
	}
	return false
}

// take gives tenant's import a place, or reports false (the import waits
// placeWait and asks again): every place is taken, or the tenant runs an
// import here already while another tenant waits with none.
func (p *places) take(tenant uuid.UUID) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.taken >= p.max || (p.running[tenant] > 0 && p.starved(tenant)) {
		if p.running[tenant] == 0 {
			p.waiting[tenant] = p.now()
		}
		return false
	}
	p.taken++
	p.running[tenant]++
	delete(p.waiting, tenant)
	return true
}

// yield reports whether one of tenant's running imports should hand its
// place back now: the tenant runs more than one here (counting those
// already handing theirs back) while another tenant waits with none. A
// true answer counts the caller as handing back, until it leaves.
func (p *places) yield(tenant uuid.UUID) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running[tenant]-p.yielding[tenant] < 2 || !p.starved(tenant) {
		return false
	}
	p.yielding[tenant]++
	return true
}

// leave gives tenant's place back; yielded says the import yielded it.
func (p *places) leave(tenant uuid.UUID, yielded bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.taken--
	if p.running[tenant]--; p.running[tenant] <= 0 {
		delete(p.running, tenant)
	}
	if yielded {
		if p.yielding[tenant]--; p.yielding[tenant] <= 0 {
			delete(p.yielding, tenant)
		}
	}
}
