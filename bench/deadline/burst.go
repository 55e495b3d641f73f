package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"github.com/linshu/portal/bench/internal/report"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// attempt is one organization's submit during the burst.
type attempt struct {
	org      int
	instance int
	planned  time.Duration // offset of the planned send from the deadline
	sent     time.Time     // when client.Do was called
	done     time.Time     // when the whole answer was read
	status   int
	code     string
	err      string
	receipt  tender.SignedReceipt
}

func (a attempt) latency() time.Duration { return a.done.Sub(a.sent) }
func (a attempt) accepted() bool         { return a.status == 200 && a.err == "" }
func (a attempt) refused() bool {
	return a.status == 409 && a.code == string(tender.CodeDeadlinePassed)
}

// burstResult is everything the burst measured and checked.
type burstResult struct {
	tenderID    string
	deadline    time.Time // bid_deadline as the database keeps it
	bidIDs      []string
	draftsIn    time.Duration
	attempts    []attempt
	maxInFlight int64
	sample      []byte // one accepted answer, for the hello-world baseline

	openedAt      time.Time // the opening record's opened_at (database clock)
	outcome       string
	openedBids    int
	openEntries   int
	submittedRows int // bids of the tender with status submitted, read with SQL
	seenOpenAfter time.Duration
	audit         tender.AuditReport

	accepted, refused int
	lostAcked         []string // acknowledged but not (or not as acknowledged) in the opening record
	lostOther         []string // neither 2xx nor 409 deadline_passed
	phantom           []string // in the opening record without an acknowledgement
	violations        []string // receipts that do not verify, acknowledged after the deadline, opened twice…
	refusedEarly      int      // refused although sent before the deadline (client clock)
	refusedEarlyMax   time.Duration
	refusedBy250      int           // refused although sent more than 250 ms before the deadline (issue #16, item 5)
	acceptedLate      int           // acknowledged with a receipt time at or after the deadline
	lastAcceptedSent  time.Duration // offset from the deadline of the latest accepted send
	lastAcceptedAt    time.Duration // offset from the deadline of the latest receipt time

	cpu      string   // CPU use from the first planned send to the last answer
	openCall openCall // the timer call that opened the tender
	haveCall bool
	watch    lockWatch
	pools    []poolWatch
}

// poolWatch is what one instance's connection pool (database/sql) did from
// the start of the burst until the tender left open.
type poolWatch struct {
	max      int           // MaxOpenConnections
	maxInUse int           // sampled every 5ms
	waits    int64         // callers that waited for a connection
	waited   time.Duration // their total wait
}

// watchPools samples the instances' pools until stop closes.
func watchPools(cl *cluster, from time.Time, stop <-chan struct{}) []poolWatch {
	time.Sleep(time.Until(from))
	out := make([]poolWatch, len(cl.instances))
	first := make([]sql.DBStats, len(cl.instances))
	for i, in := range cl.instances {
		first[i] = in.store.DB().Stats()
		out[i].max = first[i].MaxOpenConnections
	}
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		for i, in := range cl.instances {
			st := in.store.DB().Stats()
			out[i].maxInUse = max(out[i].maxInUse, st.InUse)
			out[i].waits = st.WaitCount - first[i].WaitCount
			out[i].waited = st.WaitDuration - first[i].WaitDuration
		}
		select {
		case <-stop:
			return out
		case <-t.C:
		}
	}
}

// lockWatch is what pg_stat_activity showed, sampled every 10ms from the
// start of the burst until the tender left open.
type lockWatch struct {
	samples               int
	openerSamples         int       // samples in which the opening's FOR UPDATE was the running statement
	openerWaiting         int       // … waiting on a lock
	firstSeen, lastSeen   time.Time // of the opening's FOR UPDATE
	maxOpenTx             int       // other transactions open in one sample while the opening waited
	maxOpenTxBeforeOpener int
	maxServerConns        int           // client connections to the whole server (every database, every program)
	maxOurConns           int           // … to the bench's database
	pgCPU                 time.Duration // CPU time of the PostgreSQL backends serving the bench's database
	start, end            time.Time
	err                   error
}

// watchLocks samples pg_stat_activity on its own connection until the tender leaves open.
func watchLocks(ctx context.Context, setup *storage.Store, tenderID string, from time.Time) (w lockWatch) {
	conn, err := setup.DB().Connx(ctx)
	if err != nil {
		w.err = err
		return w
	}
	defer conn.Close()
	time.Sleep(time.Until(from))
	w.start = time.Now()
	base, last := map[int64]time.Duration{}, map[int64]time.Duration{}
	defer func() {
		w.end = time.Now()
		for pid, t := range last {
			w.pgCPU += t - base[pid]
		}
	}()
	for ctx.Err() == nil {
		var row struct {
			Status  string        `db:"status"`
			Opener  int           `db:"opener"`
			Waiting int           `db:"waiting"`
			OpenTx  int           `db:"open_tx"`
			Server  int           `db:"server_conns"`
			Ours    int           `db:"our_conns"`
			PIDs    pq.Int64Array `db:"pids"`
		}
		// The opening's statement is Store.LockTender's; a submission's is shareTender's FOR SHARE.
		err := conn.GetContext(ctx, &row, `SELECT (SELECT status FROM tenders WHERE id = $1) AS status,
			count(*) FILTER (WHERE state = 'active' AND query LIKE '%FROM tenders WHERE id = $1 FOR UPDATE') AS opener,
			count(*) FILTER (WHERE state = 'active' AND query LIKE '%FROM tenders WHERE id = $1 FOR UPDATE'
				AND wait_event_type = 'Lock') AS waiting,
			count(*) FILTER (WHERE xact_start IS NOT NULL AND NOT (state = 'active'
				AND query LIKE '%FROM tenders WHERE id = $1 FOR UPDATE')) AS open_tx,
			(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS server_conns,
			count(*) AS our_conns, coalesce(array_agg(pid), '{}') AS pids
			FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`, tenderID)
		if err != nil {
			w.err = err
			return w
		}
		now := time.Now()
		for _, pid := range row.PIDs {
			t, ok := report.ProcCPU(pid)
			if !ok {
				continue
			}
			if _, seen := last[pid]; !seen && w.samples == 0 {
				base[pid] = t // running before the burst: count from here
			}
			last[pid] = t
		}
		w.samples++
		w.maxServerConns = max(w.maxServerConns, row.Server)
		w.maxOurConns = max(w.maxOurConns, row.Ours+1)
		if row.Opener > 0 {
			if w.openerSamples == 0 {
				w.firstSeen = now
			}
			w.lastSeen = now
			w.openerSamples++
			w.maxOpenTx = max(w.maxOpenTx, row.OpenTx)
		} else if w.openerSamples == 0 {
			w.maxOpenTxBeforeOpener = max(w.maxOpenTxBeforeOpener, row.OpenTx)
		}
		if row.Waiting > 0 {
			w.openerWaiting++
		}
		if row.Status != "open" || time.Since(from) > time.Minute {
			return w
		}
		time.Sleep(10 * time.Millisecond)
	}
	return w
}

func (b *burstResult) lost() int { return len(b.lostAcked) + len(b.lostOther) }

// runBurst publishes the tender, creates every draft, fires one submit per
// organization around the deadline, waits for the opening and checks it.
func runBurst(ctx context.Context, cfg config, cl *cluster, setup *storage.Store, orgs []org) (*burstResult, error) {
	b := &burstResult{}
	t, err := cl.publishTender(ctx, "截止时刻投标压力测试", time.Now().Add(cfg.Lead).Truncate(time.Millisecond))
	if err != nil {
		return nil, err
	}
	b.tenderID, b.deadline = t.ID, t.BidDeadline
	progress("tender %s published, bid deadline %s (in %s)", t.Code, b.deadline.Format(time.RFC3339Nano),
		time.Until(b.deadline).Round(time.Millisecond))

	t0 := time.Now()
	if b.bidIDs, err = cl.createDrafts(ctx, b.tenderID, orgs, 16); err != nil {
		return nil, fmt.Errorf("draft bids: %w", err)
	}
	b.draftsIn = time.Since(t0)
	progress("%d draft bids created through the API in %s", len(orgs), b.draftsIn.Round(time.Millisecond))
	fmt.Printf("setup: %d draft bids created through the API (16 clients, both instances) in %s, %.0f/s\n",
		len(orgs), b.draftsIn.Round(time.Millisecond), float64(len(orgs))/b.draftsIn.Seconds())
	if left := time.Until(b.deadline) - cfg.Window; left < 500*time.Millisecond {
		return nil, fmt.Errorf("setup left %s before the burst: raise -lead", left.Round(time.Millisecond))
	}

	// The plan: organization i submits once at deadline + planned[i], to instance i mod n.
	span := cfg.Window + cfg.Tail
	b.attempts = make([]attempt, len(orgs))
	for i := range b.attempts {
		b.attempts[i] = attempt{org: i, instance: i % len(cl.instances),
			planned: -cfg.Window + time.Duration(rand.Int64N(int64(span)))}
	}
	progress("burst: %d submits in [deadline-%s, deadline+%s], starting in %s", len(orgs), cfg.Window, cfg.Tail,
		(time.Until(b.deadline) - cfg.Window).Round(time.Millisecond))

	watched := make(chan lockWatch, 1)
	go func() { watched <- watchLocks(ctx, cl.watch, b.tenderID, b.deadline.Add(-cfg.Window)) }()
	stopPools := make(chan struct{})
	pools := make(chan []poolWatch, 1)
	go func() { pools <- watchPools(cl, b.deadline.Add(-cfg.Window), stopPools) }()

	c := newClient() // cold: every organization is its own client
	defer c.close()
	var inFlight atomic.Int64
	var sampleOnce sync.Once
	var wg sync.WaitGroup
	for i := range b.attempts {
		wg.Add(1)
		go func(a *attempt) {
			defer wg.Done()
			time.Sleep(time.Until(b.deadline.Add(a.planned)))
			n := inFlight.Add(1)
			for {
				m := atomic.LoadInt64(&b.maxInFlight)
				if n <= m || atomic.CompareAndSwapInt64(&b.maxInFlight, m, n) {
					break
				}
			}
			a.sent = time.Now()
			st, raw, err := c.do(ctx, "POST", cl.url(a.instance)+"/api/v1/bids/"+b.bidIDs[a.org]+"/submit", orgs[a.org].token, nil)
			a.done = time.Now()
			inFlight.Add(-1)
			a.status = st
			if err != nil {
				a.err = err.Error()
				return
			}
			if st == 200 {
				var r struct {
					Receipt tender.SignedReceipt `json:"receipt"`
				}
				if err := json.Unmarshal(raw, &r); err != nil {
					a.err = "undecodable answer: " + err.Error()
					return
				}
				a.receipt = r.Receipt
				sampleOnce.Do(func() { b.sample = raw })
				return
			}
			a.code = problemCode(raw)
		}(&b.attempts[i])
	}
	time.Sleep(time.Until(b.deadline.Add(-cfg.Window)))
	before := takeCPU()
	wg.Wait()
	b.cpu = cpuBetween(before, takeCPU(), runtime.NumCPU())
	progress("burst over; waiting for the opening")

	// Wait for one of the instances' timers to open the tender.
	for {
		var status string
		if err := setup.DB().GetContext(ctx, &status, `SELECT status FROM tenders WHERE id = $1`, b.tenderID); err != nil {
			return nil, err
		}
		if status != "open" {
			b.seenOpenAfter = time.Since(b.deadline)
			break
		}
		if time.Since(b.deadline) > time.Minute {
			return nil, fmt.Errorf("the tender is still open a minute after its deadline")
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.watch = <-watched
	close(stopPools)
	b.pools = <-pools
	b.openCall, b.haveCall = cl.openCallFor(b.tenderID)
	if err := b.check(ctx, cl, setup); err != nil {
		return nil, err
	}
	return b, nil
}

// check compares every answer with the public opening record.
func (b *burstResult) check(ctx context.Context, cl *cluster, setup *storage.Store) error {
	c := newClient()
	defer c.close()
	var op storage.Opening
	if err := c.expect(ctx, 200, "GET", cl.url(0)+"/api/v1/tenders/"+b.tenderID+"/opening", "", nil, &op); err != nil {
		return err
	}
	b.openedAt, b.outcome, b.openedBids = op.OpenedAt, op.Outcome, len(op.Bids)
	db := setup.DB()
	if err := db.GetContext(ctx, &b.openEntries, `SELECT count(*) FROM audit_entries WHERE stream = $1 AND action = 'open'`,
		tender.Stream("tender", b.tenderID)); err != nil {
		return err
	}
	if err := db.GetContext(ctx, &b.submittedRows, `SELECT count(*) FROM bids WHERE tender_id = $1 AND status = 'submitted'`,
		b.tenderID); err != nil {
		return err
	}
	if b.openEntries != 1 {
		b.violations = append(b.violations, fmt.Sprintf("the tender was opened %d times (audit entries 'open')", b.openEntries))
	}
	if b.submittedRows != b.openedBids {
		b.violations = append(b.violations, fmt.Sprintf("%d bids are submitted in the database, %d in the opening record",
			b.submittedRows, b.openedBids))
	}
	if !b.openedAt.After(b.deadline) && !b.openedAt.Equal(b.deadline) {
		b.violations = append(b.violations, fmt.Sprintf("opened at %s, before the deadline", b.openedAt.Format(time.RFC3339Nano)))
	}
	inOpening := map[string]storage.OpeningBid{}
	for _, ob := range op.Bids {
		inOpening[ob.BidID] = ob
	}
	acked := map[string]bool{}
	b.lastAcceptedSent, b.lastAcceptedAt = -time.Hour, -time.Hour
	for _, a := range b.attempts {
		bidID := b.bidIDs[a.org]
		ob, opened := inOpening[bidID]
		who := fmt.Sprintf("org %d (bid %s, instance %d, sent at deadline%+.1fms)", a.org, bidID, a.instance,
			ms(a.sent.Sub(b.deadline)))
		switch {
		case a.accepted():
			b.accepted++
			acked[bidID] = true
			r := a.receipt
			if !tender.VerifyReceipt(cl.receiptPub, r) || r.BidID != bidID || r.TenderID != b.tenderID {
				b.violations = append(b.violations, who+": the receipt does not verify")
			}
			at, err := time.Parse(time.RFC3339Nano, r.SubmittedAt)
			if err != nil || !at.Before(b.deadline) {
				b.acceptedLate++
				b.violations = append(b.violations, fmt.Sprintf("%s: acknowledged with submitted_at %s, not before the deadline",
					who, r.SubmittedAt))
			}
			b.lastAcceptedSent = max(b.lastAcceptedSent, a.sent.Sub(b.deadline))
			b.lastAcceptedAt = max(b.lastAcceptedAt, at.Sub(b.deadline))
			if !opened || ob.Version != r.Version || ob.ContentSHA256 != r.ContentSHA256 {
				b.lostAcked = append(b.lostAcked, fmt.Sprintf("%s: acknowledged v%d %s, opening record has %+v",
					who, r.Version, r.ContentSHA256, ob))
			}
		case a.refused():
			b.refused++
			if opened {
				b.violations = append(b.violations, who+": refused with deadline_passed, yet in the opening record")
			}
			if a.sent.Before(b.deadline) {
				b.refusedEarly++
				b.refusedEarlyMax = max(b.refusedEarlyMax, b.deadline.Sub(a.sent))
			}
			if a.sent.Before(b.deadline.Add(-250 * time.Millisecond)) {
				b.refusedBy250++
			}
		default:
			b.lostOther = append(b.lostOther, fmt.Sprintf("%s: answered %d %q after %s, error %q", who, a.status, a.code,
				a.latency().Round(time.Millisecond), a.err))
		}
	}
	for id := range inOpening {
		if !acked[id] {
			b.phantom = append(b.phantom, id)
		}
	}
	sort.Strings(b.phantom)
	rep, err := setup.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	b.audit = rep
	if !rep.OK {
		b.violations = append(b.violations, fmt.Sprintf("audit chain broken at entry %v: %s", rep.FirstBadID, rep.Problem))
	}
	return nil
}

func ms(d time.Duration) float64 { return report.Ms(d) }

// stats are the latency figures of a set of requests.
type stats struct{ report.Stats }

func latencyStats(d []time.Duration) stats { return stats{report.Summarize(d)} }

func (s stats) row(name string) string {
	if s.N == 0 {
		return fmt.Sprintf("  %-44s %6d %9s %9s %9s %9s", name, 0, "-", "-", "-", "-")
	}
	return fmt.Sprintf("  %-44s %6d %9s %9s %9s %9s", name, s.N, dur(s.P50), dur(s.P90), dur(s.P99), dur(s.Max))
}

func dur(d time.Duration) string { return report.Dur(d) }

const statsHeader = "  %-44s %6s %9s %9s %9s %9s\n"

// busiest returns the most answers completed within any window w.
func busiest(done []time.Time, w time.Duration) int {
	s := slices.Clone(done)
	slices.SortFunc(s, func(a, b time.Time) int { return a.Compare(b) })
	best, j := 0, 0
	for i := range s {
		for s[i].Sub(s[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

func (b *burstResult) print(cfg config) {
	var acc, ref, all []time.Duration
	var done []time.Time
	first, last := b.attempts[0].sent, b.attempts[0].done
	perInstance := map[int][2]int{}
	for _, a := range b.attempts {
		all = append(all, a.latency())
		done = append(done, a.done)
		if a.sent.Before(first) {
			first = a.sent
		}
		if a.done.After(last) {
			last = a.done
		}
		pi := perInstance[a.instance]
		switch {
		case a.accepted():
			acc = append(acc, a.latency())
			pi[0]++
		case a.refused():
			ref = append(ref, a.latency())
			pi[1]++
		}
		perInstance[a.instance] = pi
	}
	n := len(b.attempts)
	fmt.Println()
	fmt.Printf("burst: %d organizations submit once each at a uniformly random moment in [deadline-%s, deadline+%s],\n",
		n, cfg.Window, cfg.Tail)
	fmt.Printf("  alternating %d instances (offered %.0f submits/s), each instance running the opening timer every %s\n",
		cfg.Instances, float64(n)/(cfg.Window+cfg.Tail).Seconds(), cfg.OpeningEvery)
	fmt.Printf("  accepted (200 + signed receipt)          %5d\n", b.accepted)
	fmt.Printf("  refused (409 deadline_passed)            %5d   of which sent before the deadline: %d (up to %s before)\n",
		b.refused, b.refusedEarly, dur(b.refusedEarlyMax))
	fmt.Printf("  LOST                                     %5d   acknowledged but not in the opening as acknowledged: %d; other answers or errors: %d\n",
		b.lost(), len(b.lostAcked), len(b.lostOther))
	fmt.Printf("  opened without an acknowledgement        %5d\n", len(b.phantom))
	fmt.Printf("  opening record: %d bids (%d submitted rows in SQL), outcome %s, opened %d time(s); audit chain ok=%v over %d entries\n",
		b.openedBids, b.submittedRows, b.outcome, b.openEntries, b.audit.OK, b.audit.Entries)
	for _, k := range perInstanceKeys(perInstance) {
		fmt.Printf("  instance %d: %d accepted, %d refused\n", k, perInstance[k][0], perInstance[k][1])
	}
	fmt.Printf("  latest accepted submit: sent at deadline%+.1fms, receipt time deadline%+.1fms\n",
		ms(b.lastAcceptedSent), ms(b.lastAcceptedAt))
	fmt.Printf("  opened_at − deadline (database clock): %s; the bench saw the tender leave open %s after the deadline\n",
		dur(b.openedAt.Sub(b.deadline)), dur(b.seenOpenAfter))
	if b.haveCall {
		fmt.Printf("  the opening: instance %d's timer call started at deadline%+.0fms and returned at deadline%+.0fms\n",
			b.openCall.instance, ms(b.openCall.start.Sub(b.deadline)), ms(b.openCall.end.Sub(b.deadline)))
	}
	if w := b.watch; w.err != nil {
		fmt.Printf("  pg_stat_activity watch failed: %v\n", w.err)
	} else if w.openerSamples > 0 {
		fmt.Printf("  pg_stat_activity every 10ms: the opening's SELECT … FOR UPDATE running from deadline%+.0fms to %+.0fms,\n",
			ms(w.firstSeen.Sub(b.deadline)), ms(w.lastSeen.Sub(b.deadline)))
		fmt.Printf("    waiting on a lock in %d of its %d samples, beside up to %d other open transactions (up to %d before it ran)\n",
			w.openerWaiting, w.openerSamples, w.maxOpenTx, w.maxOpenTxBeforeOpener)
	} else {
		fmt.Printf("  pg_stat_activity every 10ms (%d samples): the opening's FOR UPDATE never caught running; up to %d open transactions\n",
			w.samples, w.maxOpenTxBeforeOpener)
	}
	for i, p := range b.pools {
		fmt.Printf("  instance %d's pool: up to %d of %d connections in use; %d callers waited for one, %s in all\n",
			i, p.maxInUse, p.max, p.waits, p.waited.Round(time.Millisecond))
	}
	if b.watch.samples > 0 {
		fmt.Printf("  connections to PostgreSQL during the burst: up to %d to the bench's database, up to %d to the whole server\n",
			b.watch.maxOurConns, b.watch.maxServerConns)
	}
	fmt.Printf("  throughput: %d answers in %s = %.0f/s; busiest second %d answers; at most %d requests in flight\n",
		n, last.Sub(first).Round(time.Millisecond), float64(n)/last.Sub(first).Seconds(), busiest(done, time.Second), b.maxInFlight)
	var late []time.Duration
	for _, a := range b.attempts {
		late = append(late, a.sent.Sub(b.deadline.Add(a.planned)))
	}
	ls := latencyStats(late)
	fmt.Printf("  CPU %s\n", b.cpu)
	if w := b.watch; w.pgCPU > 0 {
		wall := w.end.Sub(w.start)
		fmt.Printf("  CPU over %s: the PostgreSQL backends of the bench's database used %.2f CPU·s = %.2f CPUs\n",
			wall.Round(time.Millisecond), w.pgCPU.Seconds(), w.pgCPU.Seconds()/wall.Seconds())
	}
	fmt.Printf("  load generator: sends later than planned by p50 %s, p99 %s, max %s\n", dur(ls.P50), dur(ls.P99), dur(ls.Max))
	fmt.Printf(statsHeader, "latency (send → whole answer read)", "n", "p50", "p90", "p99", "max")
	fmt.Println(latencyStats(acc).row("accepted"))
	fmt.Println(latencyStats(ref).row("refused"))
	fmt.Println(latencyStats(all).row("all"))
	for _, list := range []struct {
		name  string
		items []string
	}{{"LOST (acknowledged)", b.lostAcked}, {"LOST (other answer)", b.lostOther}, {"opened without acknowledgement", b.phantom},
		{"VIOLATION", b.violations}} {
		for i, s := range list.items {
			if i == 20 {
				fmt.Printf("  %s: … %d more\n", list.name, len(list.items)-20)
				break
			}
			fmt.Printf("  %s: %s\n", list.name, s)
		}
	}
	if len(b.violations) == 0 && b.lost() == 0 {
		fmt.Println("  check: every acknowledged submit is in the opening record with its version and content hash; nothing else was answered")
	} else {
		fmt.Println("  check: FAILED — " + strings.TrimSpace(fmt.Sprintf("%d lost, %d violations", b.lost(), len(b.violations))))
	}
}

func perInstanceKeys(m map[int][2]int) []int {
	var k []int
	for i := range m {
		k = append(k, i)
	}
	sort.Ints(k)
	return k
}
