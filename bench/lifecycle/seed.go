package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// sizes of the seeded county.
type sizes struct {
	Orgs          int // organizations (approved but for a few suspended and pending)
	Bids          int // bids in all
	BidsPerTender int // bids of each tender that is not a draft
	Drafts        int // draft tenders, without bids
	Evaluators    int // evaluator users who sit on the contracts' panels
}

func (z sizes) tenders() int { return z.Bids / z.BidsPerTender }

// Linshu county's towns and community names: 10 × 12 = 120 communities (as bench/tenders).
var towns = []string{"临沭街道", "郑山街道", "玉山镇", "石门镇", "曹庄镇", "蛟龙镇", "大兴镇", "青云镇", "店头镇", "白旄镇"}

var communityNames = []string{"兴大社区", "文化社区", "金山社区", "常林社区", "沭河社区", "龙泉社区",
	"朱村社区", "岌山社区", "双河社区", "李家庄社区", "新华社区", "振兴社区"}

var serviceNames = []string{"居家养老服务", "农村幸福院养老服务", "小区物业管理服务", "社区矫正社会工作服务",
	"青少年心理健康辅导服务", "全民健身活动组织服务", "留守儿童关爱服务", "困难群众救助帮扶服务",
	"残疾人社区康复服务", "社区志愿服务项目运营", "邻里纠纷调解服务", "社会工作站运营服务"}

// The seed gives every row a deterministic id, md5(<kind><n>)::uuid, so that
// each table is one INSERT … SELECT over generate_series joined by computed
// ids, with no lookups: o<n> organization n (1…Orgs), t<g> tender g
// (1…tenders: with bids; then the drafts), b<g>-<j> bid j of tender g,
// a<g> its award, k<g> its contract, m<g>-<seq> milestones, c<g>-<seq>
// criteria, r<g>-<seq> reports, e<g>-<seq> evaluations, p<g> the project
// item of tender g (every fourth), u<n> evaluator users.
//
// Tender g (with bids) has status, by g: the newest 2 % open; of the others
// (g mod 20) 0–13 completed, 14–15 awarded, 16 evaluating, 17 failed, 18–19
// cancelled. Its bids are the organizations 1 + (7g + 197j) mod Orgs, j <
// BidsPerTender (197 is prime to Orgs: no organization bids twice on a
// tender). Bid 0 of an awarded or completed tender wins. A completed award
// has a contract whose status is, by (g mod 20): 0–9 completed, 10–16 active,
// 17 suspended, 18 terminated, 19 drafted; three milestones (progress 40/30/30
// or venture 50/30/20), four criteria, a report per milestone reported (five
// volunteers each, from a pool of 400 per community), payments of paid
// milestones, and for the mid-term and final milestones a complete
// evaluation by three evaluators whose sheets give the total. A final
// evaluation below 60 withholds the final payment and records a credit event.
func seedSQL(z sizes) []struct{ what, sql string } {
	T := z.tenders()
	// status of tender g with bids
	status := fmt.Sprintf(`CASE WHEN g > %d THEN 'open' WHEN g %% 20 < 14 THEN 'completed' WHEN g %% 20 < 16 THEN 'awarded'
		WHEN g %% 20 = 16 THEN 'evaluating' WHEN g %% 20 = 17 THEN 'failed' ELSE 'cancelled' END`, T-T/50)
	opened := `(g % 20 < 18 AND g <= ` + fmt.Sprint(T-T/50) + `)`
	// created_at of tender g: 2023-01-01 to 2026-11-20, oldest first
	created := fmt.Sprintf(`(timestamptz '2023-01-01 09:00+08' + (g - 1) * (interval '1421 days' / %d))`, T+z.Drafts)
	kstatus := `CASE WHEN g % 20 < 10 THEN 'completed' WHEN g % 20 < 17 THEN 'active' WHEN g % 20 = 17 THEN 'suspended'
		WHEN g % 20 = 18 THEN 'terminated' ELSE 'drafted' END`
	// the evaluation score of contract g: 0.55–0.98 of each criterion's maximum
	frac := `((55 + (g * 13) % 44)::numeric / 100)`
	// id is written into Sprintf formats: its % are doubled.
	id := func(prefix, n string) string {
		return strings.ReplaceAll(fmt.Sprintf(`md5('%s' || %s)::uuid`, prefix, n), "%", "%%")
	}
	return []struct{ what, sql string }{
		{"communities", `INSERT INTO communities (id, name, town, kind, residents, staff_total, social_work_staff,
			certified_social_workers, registered_volunteers)
			SELECT ` + id("cm", "(t.i - 1) * 12 + c.j") + `, t.town || c.name, t.town,
			  CASE WHEN t.town LIKE '%街道' THEN 'urban' ELSE 'rural' END,
			  3000 + (t.i * 37 + c.j * 101) % 9000, 12 + (t.i + c.j) % 20, 6 + (t.i * c.j) % 6, (t.i + c.j) % 4,
			  300 + (t.i * 53 + c.j * 29) % 1500
			FROM unnest($1::text[]) WITH ORDINALITY t(town, i), unnest($2::text[]) WITH ORDINALITY c(name, j)`},
		{"organizations", fmt.Sprintf(`INSERT INTO organizations (id, name, uscc, type, registration, legal_representative,
			contact_phone, staff_total, social_workers, assessment_grade, status, community_id, created_at, updated_at)
			SELECT `+id("o", "n")+`, '临沭县' || (ARRAY['红石榴','向阳','同心','暖阳','益民','和美','乐龄','启航'])[1 + n %% 8] || '第' || n || '号'
			    || (ARRAY['社会工作服务中心','志愿者协会','养老服务中心','公益发展中心'])[1 + n %% 4],
			  '52371329' || lpad(n::text, 10, '0'), (ARRAY['social_org','social_work_agency','volunteer_org'])[1 + n %% 3],
			  CASE WHEN n %% 5 = 0 THEN 'filed' ELSE 'registered' END, '负责人' || n, '1390' || lpad(n::text, 7, '0'),
			  10 + n %% 30, n %% 8, CASE WHEN n %% 3 = 0 THEN (ARRAY['1A','2A','3A','4A','5A'])[1 + n %% 5] END,
			  CASE WHEN n %% 50 = 0 THEN 'suspended' WHEN n %% 97 = 0 THEN 'pending' ELSE 'approved' END,
			  `+id("cm", "1 + n % 120")+`, timestamptz '2022-01-01' + n * interval '1 hour', timestamptz '2022-01-01' + n * interval '1 hour'
			FROM generate_series(1, %d) n`, z.Orgs)},
		{"evaluator users", fmt.Sprintf(`INSERT INTO users (id, username, password_hash, role, name, expertise)
			SELECT `+id("u", "n")+`, 'bench-evaluator-' || n, 'x', 'evaluator', '评审专家' || n, '{养老,社工}'
			FROM generate_series(1, %d) n`, z.Evaluators)},
		{"project items (every fourth tender's, and 80 more a year not yet tendered)", fmt.Sprintf(`INSERT INTO project_items (id, year, title,
			community_id, budget_fen, funding_source, procedure, local_orgs_first, planned_quarter, status, published_at, created_at, updated_at)
			SELECT `+id("p", "g")+`, extract(year FROM %[1]s AT TIME ZONE 'Asia/Shanghai')::int,
			  (ARRAY[%[2]s])[1 + g %% 12], `+id("cm", "1 + (g * 7) % 120")+`, (5 + g %% 196) * 1000000::bigint,
			  (ARRAY['fiscal','fiscal','fiscal','welfare_lottery','welfare_lottery','charity','social'])[1 + g %% 7],
			  CASE WHEN g %% 10 = 9 THEN 'venture' ELSE 'public_tender' END, g %% 3 = 0, 1 + (g / 4) %% 4,
			  CASE WHEN %[3]s = 'completed' THEN 'completed' ELSE 'tendered' END,
			  %[1]s - interval '20 days', %[1]s - interval '30 days', %[1]s
			FROM generate_series(4, %[4]d, 4) g;
			INSERT INTO project_items (id, year, title, community_id, budget_fen, funding_source, procedure, planned_quarter,
			  status, drop_reason, published_at, created_at, updated_at)
			SELECT `+id("px", "y || '-' || n")+`, y, (ARRAY[%[2]s])[1 + n %% 12] || '（储备）', `+id("cm", "1 + (n * 11 + y) % 120")+`,
			  (3 + n %% 50) * 1000000::bigint, (ARRAY['fiscal','welfare_lottery','charity','social'])[1 + n %% 4], 'public_tender',
			  1 + n %% 4, CASE WHEN n %% 8 = 0 THEN 'draft' WHEN n %% 8 = 1 THEN 'dropped' ELSE 'published' END,
			  CASE WHEN n %% 8 = 1 THEN '需求已由其他渠道解决' ELSE '' END,
			  CASE WHEN n %% 8 <> 0 THEN make_timestamptz(y, 1, 15, 9, 0, 0, 'Asia/Shanghai') END,
			  make_timestamptz(y, 1, 10, 9, 0, 0, 'Asia/Shanghai') + n * interval '1 hour', make_timestamptz(y, 1, 10, 9, 0, 0, 'Asia/Shanghai')
			FROM generate_series(2023, 2026) y, generate_series(1, 80) n`,
			created, quoted(serviceNames), status, T)},
		{"needs (one or two per item, 40 a year accepted)", fmt.Sprintf(`INSERT INTO needs (id, community_id, title, description,
			beneficiaries, status, project_item_id, source, created_at, updated_at)
			SELECT `+id("nd", "p.id || '-' || x")+`, p.community_id, p.title || '需求', '居民反映的服务需求', 20 + x * 13,
			  CASE WHEN p.status = 'completed' THEN 'fulfilled' ELSE 'listed' END, p.id, CASE WHEN x = 1 THEN 'community' ELSE 'resident' END,
			  p.created_at - interval '10 days' + x * interval '1 minute', p.created_at
			FROM project_items p, generate_series(1, 2) x WHERE p.status IN ('tendered', 'completed') AND (x = 1 OR extract(minute FROM p.created_at)::int %% 2 = 0);
			INSERT INTO needs (id, community_id, title, description, beneficiaries, status, source, created_at, updated_at)
			SELECT `+id("na", "y || '-' || n")+`, `+id("cm", "1 + (n * 5 + y) % 120")+`, (ARRAY[%s])[1 + n %% 12] || '需求', '居民反映的服务需求',
			  10 + n, 'accepted', 'community', make_timestamptz(y, 3, 1, 9, 0, 0, 'Asia/Shanghai') + n * interval '1 day', make_timestamptz(y, 3, 1, 9, 0, 0, 'Asia/Shanghai')
			FROM generate_series(2023, 2026) y, generate_series(1, 40) n`, quoted(serviceNames))},
		{"tenders", fmt.Sprintf(`INSERT INTO tenders (id, code, kind, title, description, community_id, funding_source, budget_fen,
			max_award_fen, max_awards, min_bids, service_start, service_end, eligibility, evaluation, enquiry_deadline, bid_deadline,
			status, published_at, opened_at, created_at, updated_at, procedure, project_item_id)
			SELECT `+id("t", "g")+`, 'LSMZ-' || extract(year FROM %[1]s AT TIME ZONE 'Asia/Shanghai') || '-B' || lpad(g::text, 6, '0'),
			  CASE WHEN g %% 10 = 9 THEN 'venture' ELSE 'purchase' END,
			  (ARRAY[%[2]s])[1 + g %% 12] || '（' || g || '）',
			  '为社区居民提供' || (ARRAY[%[2]s])[1 + g %% 12] || '，服务期12个月。承接机构应配备持证社会工作者，每季度报送服务报告。',
			  `+id("cm", "1 + (g * 7) % 120")+`,
			  (ARRAY['fiscal','fiscal','fiscal','welfare_lottery','welfare_lottery','charity','social'])[1 + g %% 7],
			  (5 + g %% 196) * 1000000::bigint, NULL, 1, 1, (%[1]s + interval '50 days')::date, (%[1]s + interval '50 days' + interval '1 year' - interval '1 day')::date,
			  '{"org_types":["social_org","social_work_agency","volunteer_org"],"registered_only":false,"min_social_workers":0}',
			  '{"method":"comprehensive","panel_size":3,"trim_extremes":false,"criteria":[{"id":"c1","name":"服务方案","max_score":40,"kind":"quality"},{"id":"c2","name":"团队与资质","max_score":30,"kind":"quality"},{"id":"c3","name":"报价","max_score":30,"kind":"price"}]}',
			  %[1]s + interval '12 days', %[1]s + interval '22 days', CASE WHEN g > %[3]d THEN 'draft' ELSE %[4]s END,
			  CASE WHEN g <= %[3]d THEN %[1]s + interval '2 days' END, CASE WHEN g <= %[3]d AND %[5]s THEN %[1]s + interval '22 days' END,
			  %[1]s, %[1]s, CASE WHEN g %% 10 = 9 THEN 'venture' ELSE 'public_tender' END,
			  CASE WHEN g %% 4 = 0 AND g <= %[3]d THEN `+id("p", "g")+` END
			FROM generate_series(1, %[6]d) g`, created, quoted(serviceNames), T, status, opened, T+z.Drafts)},
		{"bids", fmt.Sprintf(`INSERT INTO bids (id, tender_id, org_id, price_fen, summary, status, version, submitted_at,
			content_sha256, created_at, updated_at)
			SELECT `+id("b", "g || '-' || j")+`, `+id("t", "g")+`, `+id("o", "1 + (7 * g + 197 * j) % "+fmt.Sprint(z.Orgs))+`,
			  (5 + g %% 196) * 1000000::bigint * (90 - j %% 20) / 100, '服务方案摘要',
			  CASE WHEN j %% 10 = 9 THEN 'draft' WHEN NOT %[1]s THEN 'submitted' WHEN j = 0 THEN 'qualified'
			       WHEN j %% 7 = 3 THEN 'disqualified' ELSE 'qualified' END,
			  CASE WHEN j %% 10 = 9 THEN 0 ELSE 1 END, CASE WHEN j %% 10 <> 9 THEN %[2]s + interval '20 days' END,
			  CASE WHEN j %% 10 <> 9 THEN md5(g || '-' || j) || md5(j || '-' || g) ELSE '' END,
			  %[2]s + interval '5 days' + j * interval '1 minute', %[2]s + interval '20 days'
			FROM generate_series(1, %[3]d) g, generate_series(0, %[4]d) j`, opened, created, T, z.BidsPerTender-1)},
		{"awards", fmt.Sprintf(`INSERT INTO awards (id, tender_id, bid_id, org_id, amount_fen, status, publicity_ends_at, created_at, updated_at)
			SELECT `+id("a", "g")+`, `+id("t", "g")+`, `+id("b", "g || '-0'")+`, `+id("o", "1 + (7 * g) % "+fmt.Sprint(z.Orgs))+`,
			  (5 + g %% 196) * 1000000::bigint * 90 / 100, CASE WHEN g %% 20 < 14 THEN 'completed' ELSE 'active' END,
			  %[1]s + interval '40 days', %[1]s + interval '35 days', %[1]s + interval '40 days'
			FROM generate_series(1, %[2]d) g WHERE g %% 20 < 16 AND g <= %[2]d - %[2]d / 50`, created, T)},
		{"contracts", fmt.Sprintf(`INSERT INTO contracts (id, award_id, tender_id, org_id, amount_fen, period_start, period_end,
			status, status_reason, awarded_at, signed_on, signed_at, document_id, completed_at, created_at, updated_at)
			SELECT `+id("k", "g")+`, `+id("a", "g")+`, `+id("t", "g")+`, `+id("o", "1 + (7 * g) % "+fmt.Sprint(z.Orgs))+`,
			  (5 + g %% 196) * 1000000::bigint * 90 / 100, (%[1]s + interval '50 days')::date,
			  (%[1]s + interval '50 days' + interval '1 year' - interval '1 day')::date, %[2]s,
			  CASE WHEN g %% 20 = 17 THEN '服务场地整修' WHEN g %% 20 = 18 THEN '承接机构无法继续履约' ELSE '' END,
			  %[1]s + interval '35 days', CASE WHEN g %% 20 <> 19 THEN (%[1]s + interval '45 days')::date END,
			  CASE WHEN g %% 20 <> 19 THEN %[1]s + interval '45 days' END, CASE WHEN g %% 20 <> 19 THEN `+id("kd", "g")+` END,
			  CASE WHEN g %% 20 < 10 THEN %[1]s + interval '420 days' END, %[1]s + interval '40 days', %[1]s + interval '45 days'
			FROM generate_series(1, %[3]d) g WHERE g %% 20 < 14 AND g <= %[3]d - %[3]d / 50`, created, kstatus, T)},
		{"contract milestones", fmt.Sprintf(`INSERT INTO contract_milestones (id, contract_id, seq, title, due_date, payment_pct, report, status, overdue_at)
			SELECT `+id("m", "g || '-' || s")+`, k.id, s, (ARRAY['签约及实施方案','中期评估','结项评估'])[s],
			  CASE s WHEN 1 THEN k.period_start WHEN 2 THEN k.period_start + 182 ELSE k.period_end END,
			  CASE WHEN g %% 10 = 9 THEN (ARRAY[50,30,20])[s] ELSE (ARRAY[40,30,30])[s] END,
			  (ARRAY['progress','mid_term','final'])[s],
			  CASE WHEN k.status = 'drafted' THEN 'pending'
			       WHEN k.status = 'completed' THEN CASE WHEN s = 3 AND %[1]s < 0.60 THEN 'withheld' ELSE 'paid' END
			       WHEN s = 1 THEN 'paid'
			       WHEN s = 2 AND k.status IN ('active', 'suspended') THEN (ARRAY['accepted','paid','submitted','pending'])[1 + g %% 4]
			       ELSE 'pending' END,
			  CASE WHEN k.status = 'active' AND s = 2 AND g %% 4 = 3 AND g %% 3 = 0 THEN k.created_at + interval '190 days' END
			FROM %[2]s, generate_series(1, 3) s`, frac, contractsOf(T))},
		{"contract criteria", fmt.Sprintf(`INSERT INTO contract_criteria (id, contract_id, seq, name, max_score)
			SELECT `+id("c", "g || '-' || s")+`, k.id, s, (ARRAY['服务成效','项目管理','资金使用','居民满意度'])[s], (ARRAY[40,20,20,20])[s]
			FROM %s, generate_series(1, 4) s`, contractsOf(T))},
		{"reports, five volunteers each, payments", fmt.Sprintf(`INSERT INTO contract_reports (id, contract_id, milestone_id, text,
			period_start, period_end, beneficiaries, activities, social_workers, volunteer_hours, status, submitted_at, decided_at)
			SELECT `+id("r", "g || '-' || m.seq")+`, k.id, m.id, '本阶段服务开展情况报告', k.period_start + (m.seq - 1) * 120,
			  LEAST(k.period_start + m.seq * 120, k.period_end), 80 + g %% 300, 6 + g %% 20, 1 + g %% 4, 100 * (40 + g %% 90),
			  CASE WHEN m.status = 'submitted' THEN 'submitted' ELSE 'accepted' END,
			  k.created_at + m.seq * interval '120 days', CASE WHEN m.status <> 'submitted' THEN k.created_at + m.seq * interval '125 days' END
			FROM %[1]s JOIN contract_milestones m ON m.contract_id = k.id
			WHERE m.status IN ('submitted', 'accepted', 'paid', 'withheld');
			INSERT INTO contract_volunteers (report_id, id_hash, hours)
			SELECT r.id, encode(sha256(convert_to(t.community_id::text || '-' || ((hashtext(r.id::text || v) & 1023) %% 400), 'UTF8')), 'hex'), 100 * (2 + v)
			FROM contract_reports r JOIN contracts k ON k.id = r.contract_id JOIN tenders t ON t.id = k.tender_id, generate_series(1, 5) v
			ON CONFLICT DO NOTHING;
			INSERT INTO contract_payments (contract_id, milestone_id, amount_fen, paid_at, document_id, created_at)
			SELECT k.id, m.id, k.amount_fen * m.payment_pct / 100, k.period_start + (m.seq - 1) * 125, `+id("pd", "m.id")+`,
			  k.created_at + m.seq * interval '126 days'
			FROM contracts k JOIN contract_milestones m ON m.contract_id = k.id WHERE m.status = 'paid'`, contractsOf(T))},
		{"evaluations (mid-term and final, three evaluators each)", fmt.Sprintf(`INSERT INTO contract_evaluations (id, contract_id, milestone_id,
			round, panel_size, status, total, grade, completed_at, rectification_due, created_at)
			SELECT `+id("e", "g || '-' || m.seq")+`, k.id, m.id, 1, 3, 'complete', x.total,
			  CASE WHEN x.total >= 9000 THEN 'excellent' WHEN x.total >= 8000 THEN 'good' WHEN x.total >= 6000 THEN 'pass' ELSE 'fail' END,
			  k.created_at + m.seq * interval '127 days',
			  CASE WHEN x.total < 6000 AND m.seq = 2 THEN (k.created_at + m.seq * interval '127 days' + interval '30 days')::date END,
			  k.created_at + m.seq * interval '126 days'
			FROM %[1]s JOIN contract_milestones m ON m.contract_id = k.id
			  CROSS JOIN LATERAL (SELECT (floor(4000 * %[2]s) + 3 * floor(2000 * %[2]s))::bigint AS total) x
			WHERE m.seq >= 2 AND m.status IN ('accepted', 'paid', 'withheld');
			INSERT INTO contract_panel_members (evaluation_id, evaluator_id, declared, submitted_at, created_at)
			SELECT e.id, `+id("u", fmt.Sprintf("1 + ((hashtext(e.id::text) & 65535) + p * 7) %% %d", z.Evaluators))+`, true, e.completed_at, e.created_at
			FROM contract_evaluations e, generate_series(0, 2) p;
			INSERT INTO contract_scores (evaluation_id, evaluator_id, criterion_id, score)
			SELECT e.id, pm.evaluator_id, c.id, floor(c.max_score * 100 * %[2]s)::bigint
			FROM %[1]s JOIN contract_evaluations e ON e.contract_id = k.id JOIN contract_panel_members pm ON pm.evaluation_id = e.id
			  JOIN contract_criteria c ON c.contract_id = k.id`, contractsOf(T), frac)},
		{"credit events, sanctions, feedback", fmt.Sprintf(`INSERT INTO credit_events (org_id, contract_id, kind, reason, at)
			SELECT k.org_id, k.id, 'final_evaluation_failed', '结项评估不合格，扣留尾款', e.completed_at
			FROM contracts k JOIN contract_evaluations e ON e.contract_id = k.id JOIN contract_milestones m ON m.id = e.milestone_id
			WHERE m.report = 'final' AND e.grade = 'fail';
			INSERT INTO credit_events (org_id, contract_id, kind, reason, at)
			SELECT org_id, id, 'contract_terminated', status_reason, updated_at FROM contracts WHERE status = 'terminated';
			INSERT INTO org_sanctions (org_id, reason, at)
			SELECT id, '年检不合格', created_at + interval '300 days' FROM organizations WHERE status = 'suspended';
			INSERT INTO feedback (tender_id, rating, comment, status, created_at)
			SELECT `+id("t", "g")+`, 3 + (g + x) %% 3, '服务很好', CASE WHEN x = 2 THEN 'pending' ELSE 'approved' END,
			  %[1]s + interval '400 days'
			FROM generate_series(1, %[2]d) g, generate_series(1, 2) x WHERE g %% 20 < 14 AND g %% 3 = 0`, created, T)},
	}
}

// contractsOf is the contracts with the number g of their tender.
func contractsOf(tenders int) string {
	return fmt.Sprintf(`generate_series(1, %d) g JOIN contracts k ON k.id = md5('k' || g)::uuid`, tenders)
}

func quoted(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += ","
		}
		out += pq.QuoteLiteral(s)
	}
	return out
}

// bulkTables are the tables the seed fills.
var bulkTables = []string{"organizations", "users", "project_items", "needs", "tenders", "bids", "awards", "contracts",
	"contract_milestones", "contract_criteria", "contract_reports", "contract_volunteers", "contract_payments",
	"contract_evaluations", "contract_panel_members", "contract_scores", "credit_events", "org_sanctions", "feedback"}

// dropForBulk drops the foreign keys and the plain indexes (not those of a
// primary key or unique constraint) of the seeded tables, and returns what
// puts them back exactly as they were: each index built once from sorted
// rows and each foreign key checked in one scan is several times faster than
// maintaining them row by row (1,000,000 bids: 87 s at load 30 before).
// Putting a foreign key back validates it: the seed is consistent with it.
func dropForBulk(ctx context.Context, conn *sqlx.Conn) (func() error, error) {
	var fks []struct {
		Table string `db:"tbl"`
		Name  string `db:"name"`
		Def   string `db:"def"`
	}
	if err := conn.SelectContext(ctx, &fks, `SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def
		FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY($1::regclass[])`, pq.Array(bulkTables)); err != nil {
		return nil, err
	}
	var idx []struct {
		Name string `db:"name"`
		Def  string `db:"def"`
	}
	if err := conn.SelectContext(ctx, &idx, `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def
		FROM pg_index i WHERE indrelid = ANY($1::regclass[])
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`, pq.Array(bulkTables)); err != nil {
		return nil, err
	}
	for _, f := range fks {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`ALTER TABLE %s DROP CONSTRAINT %s`, f.Table, pq.QuoteIdentifier(f.Name))); err != nil {
			return nil, err
		}
	}
	for _, i := range idx {
		if _, err := conn.ExecContext(ctx, `DROP INDEX `+i.Name); err != nil {
			return nil, err
		}
	}
	return func() error {
		for _, i := range idx {
			if _, err := conn.ExecContext(ctx, i.Def); err != nil {
				return fmt.Errorf("%s: %w", i.Def, err)
			}
		}
		for _, f := range fks {
			if _, err := conn.ExecContext(ctx, fmt.Sprintf(`ALTER TABLE %s ADD CONSTRAINT %s %s`, f.Table, pq.QuoteIdentifier(f.Name), f.Def)); err != nil {
				return fmt.Errorf("foreign key %s of %s: %w", f.Name, f.Table, err)
			}
		}
		return nil
	}, nil
}

// seed fills a fresh database (as its owner) and gives every contract its
// draw commitment, sealed with the app's sealer as Store.createContracts does.
func seed(ctx context.Context, db *sqlx.DB, sealer *storage.Sealer, z sizes) error {
	if z.Orgs%197 == 0 || z.BidsPerTender > z.Orgs {
		return fmt.Errorf("-orgs must be prime to 197 and at least -bids-per-tender")
	}
	conn, err := db.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET maintenance_work_mem = '256MB'; SET synchronous_commit = off`); err != nil {
		return err
	}
	restore, err := dropForBulk(ctx, conn)
	if err != nil {
		return err
	}
	for _, st := range seedSQL(z) {
		t0 := time.Now()
		var err error
		if st.what == "communities" {
			_, err = conn.ExecContext(ctx, st.sql, pq.Array(towns), pq.Array(communityNames))
		} else {
			_, err = conn.ExecContext(ctx, st.sql)
		}
		if err != nil {
			return fmt.Errorf("seed %s: %w", st.what, err)
		}
		progress("seeded %s in %s", st.what, time.Since(t0).Round(time.Millisecond))
	}
	t0 := time.Now()
	if err := restore(); err != nil {
		return err
	}
	progress("indexes built and foreign keys validated in %s", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	var ids []string
	if err := db.SelectContext(ctx, &ids, `SELECT id FROM contracts`); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE draw_seed (id uuid, commitment text, sealed bytea) ON COMMIT DROP`); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("draw_seed", "id", "commitment", "sealed"))
	if err != nil {
		return err
	}
	b := make([]byte, 32)
	for _, id := range ids {
		rand.Read(b)
		r := hex.EncodeToString(b)
		sealed, err := sealer.SealValue([]byte(r), "contract draw secret|"+id) // storage.contractDrawLabel
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, id, tender.DrawCommitment(r), sealed); err != nil {
			return err
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return err
	}
	if err := stmt.Close(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE contracts k SET draw_commitment = d.commitment, draw_sealed_r = d.sealed
		FROM draw_seed d WHERE d.id = k.id`); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	progress("sealed %d contracts' draw secrets in %s", len(ids), time.Since(t0).Round(time.Millisecond))
	return nil
}
