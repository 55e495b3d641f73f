package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// demoPassword is every demo account's password; the demo is for trying the portal, never for production.
const demoPassword = "demo-pass-2026"

// demoCatalog is the seed's list of community service areas (沭民字〔2016〕14号).
var demoCatalog = []tender.CatalogItem{
	{Code: "SQ-01", Name: "社区文化服务", Category: "社区文化", Description: "社区文化活动、文艺团队培育、全民阅读等"},
	{Code: "SQ-02", Name: "社区体育服务", Category: "社区体育", Description: "全民健身活动组织、健身指导"},
	{Code: "SQ-03", Name: "社会救助服务", Category: "社会救助", Description: "困难群众帮扶、临时救助对象走访与个案服务"},
	{Code: "SQ-04", Name: "居家养老服务", Category: "居家养老", Description: "助餐、助洁、助浴、助医及精神慰藉"},
	{Code: "SQ-05", Name: "青少年保护服务", Category: "青少年保护", Description: "留守儿童关爱、青少年心理辅导、课后托管"},
	{Code: "SQ-06", Name: "社区矫正服务", Category: "社区矫正", Description: "社区矫正对象教育帮扶、社会适应性帮扶"},
	{Code: "SQ-07", Name: "残疾人康复服务", Category: "残疾人服务", Description: "社区康复、辅具适配、就业支持"},
	{Code: "SQ-08", Name: "社区志愿服务", Category: "志愿服务", Description: "志愿者招募培训、志愿服务项目运营"},
	{Code: "SQ-09", Name: "社区治理与调解服务", Category: "社区治理", Description: "邻里纠纷调解、居民议事协商"},
	{Code: "SQ-10", Name: "小区物业管理服务", Category: "物业服务", Description: "老旧小区物业托管、环境卫生"},
}

type demoOrg struct {
	username string
	org      tender.Organization
}

// demoUSCC builds a valid code from a 17-character prefix.
func demoUSCC(prefix string) string {
	c, _ := tender.USCCCheckChar(prefix)
	return prefix + string(c)
}

var demoOrgs = []demoOrg{
	{"org1", tender.Organization{Name: "临沭县阳光社会工作服务中心", USCC: demoUSCC("52371329MJE310001"), Type: tender.OrgSocialWorkAgency,
		Registration: tender.Registered, Community: "临沭街道兴大社区", LegalRepresentative: "王丽", ContactPhone: "0539-6210001", StaffTotal: 18, SocialWorkers: 6}},
	{"org2", tender.Organization{Name: "临沭县益邻社区服务中心", USCC: demoUSCC("52371329MJE310002"), Type: tender.OrgSocialOrg,
		Registration: tender.Registered, Community: "临沭街道文化社区", LegalRepresentative: "张强", ContactPhone: "0539-6210002", StaffTotal: 12, SocialWorkers: 3}},
	{"org3", tender.Organization{Name: "临沭县夕阳红居家养老服务中心", USCC: demoUSCC("52371329MJE310003"), Type: tender.OrgSocialOrg,
		Registration: tender.Registered, Community: "郑山街道金山社区", LegalRepresentative: "刘芳", ContactPhone: "0539-6210003", StaffTotal: 25, SocialWorkers: 4}},
	{"org4", tender.Organization{Name: "临沭县青禾青少年成长服务社", USCC: demoUSCC("52371329MJE310004"), Type: tender.OrgSocialWorkAgency,
		Registration: tender.Registered, Community: "临沭街道兴大社区", LegalRepresentative: "陈晨", ContactPhone: "0539-6210004", StaffTotal: 9, SocialWorkers: 2}},
	{"org5", tender.Organization{Name: "临沭县红马甲志愿者协会", USCC: demoUSCC("52371329MJE310005"), Type: tender.OrgVolunteerOrg,
		Registration: tender.Filed, Community: "蛟龙镇蛟龙社区", LegalRepresentative: "赵敏", ContactPhone: "0539-6210005", StaffTotal: 6, SocialWorkers: 0}},
}

// seedDemo loads the demo data once into a migrated database; a second run
// changes nothing. It is DML only, so it runs as the serving role.
//
// It cannot be one transaction: each step is a Store call of its own, and the
// closing tenders of seedDemoProcedures wait for their real deadlines to open.
// So the demo's admin login is its mark of completion: the admin is created
// with a password nobody knows and gets the demo password as the very last
// step. A run that stopped half-way (a loaded machine running a demo bid past
// its closing deadline) leaves no working admin login, and a second run says
// so rather than taking half a demo for a whole one.
func seedDemo(ctx context.Context, s *storage.Store, out io.Writer) error {
	if _, err := s.Authenticate(ctx, "admin", demoPassword); err == nil {
		printDemoLogins(out)
		return nil
	}
	if err := seedDemoData(ctx, s); err != nil {
		if tender.ErrorCode(err) == tender.CodeConflict {
			return fmt.Errorf("seed-demo: this database already holds part of the demo (a previous seed-demo stopped half-way?); "+
				"the demo seeds an empty database: recreate it and run seed-demo again: %w", err)
		}
		return err
	}
	printDemoLogins(out)
	return nil
}

func seedDemoData(ctx context.Context, s *storage.Store) error {
	cli := tender.Actor{UserID: "seed-demo", Role: tender.RoleAdmin, Name: "seed-demo"}
	for _, c := range demoCatalog {
		c.Active = true
		if _, err := s.SaveCatalogItem(ctx, cli, c); err != nil && tender.ErrorCode(err) != tender.CodeConflict {
			return fmt.Errorf("catalog %s: %w", c.Code, err)
		}
	}
	communities, err := seedDemoCommunities(ctx, s, cli)
	if err != nil {
		return err
	}
	var orgIDs []string
	for i, d := range demoOrgs {
		o, err := s.RegisterOrganization(ctx, d.org, d.username, demoPassword)
		if err != nil {
			return fmt.Errorf("organization %s: %w", d.org.Name, err)
		}
		if i < 4 { // the volunteer association stays pending so the approval queue has work
			if _, err := s.DecideOrganization(ctx, cli, o.ID, "approve", ""); err != nil {
				return err
			}
		}
		orgIDs = append(orgIDs, o.ID)
	}
	staff := []tender.User{
		{Username: "admin", Role: tender.RoleAdmin, Name: "民政局 李科长"},
		{Username: "auditor", Role: tender.RoleAuditor, Name: "纪检监察 孙审计"},
		{Username: "expert1", Role: tender.RoleEvaluator, Name: "周教授", Expertise: []string{"居家养老", "社会救助"}},
		{Username: "expert2", Role: tender.RoleEvaluator, Name: "吴老师", Expertise: []string{"青少年保护", "社区文化"}},
		{Username: "expert3", Role: tender.RoleEvaluator, Name: "郑主任", Expertise: []string{"居家养老", "社区矫正"}},
		{Username: "expert4", Role: tender.RoleEvaluator, Name: "王律师", Expertise: []string{"社区治理", "社区矫正"}},
		{Username: "expert5", Role: tender.RoleEvaluator, Name: "冯会计师", Expertise: []string{"社会救助", "物业服务"}},
		{Username: "expert6", Role: tender.RoleEvaluator, Name: "钱社工督导", Expertise: []string{"居家养老", "青少年保护"}, EmployerOrgID: &orgIDs[0]},
	}
	admin := cli
	for _, u := range staff {
		password := demoPassword
		if u.Username == "admin" {
			password = rand.Text() // until the demo is complete (see seedDemo)
		}
		created, err := s.CreateUser(ctx, cli, u, password)
		if err != nil {
			return fmt.Errorf("user %s: %w", u.Username, err)
		}
		if u.Username == "admin" {
			admin = tender.Actor{UserID: created.ID, Role: tender.RoleAdmin, Name: created.Name}
		}
	}
	if err := seedDemoTenders(ctx, s, admin, orgIDs); err != nil {
		return err
	}
	if err := seedDemoPlanning(ctx, s, admin, communities); err != nil {
		return err
	}
	if err := seedDemoContracts(ctx, s, admin, orgIDs); err != nil {
		return fmt.Errorf("contracts: %w", err)
	}
	// The demo is complete: its admin may log in.
	password := demoPassword
	if _, err := s.UpdateUser(ctx, cli, admin.UserID, storage.UserPatch{Password: &password}); err != nil {
		return fmt.Errorf("admin password: %w", err)
	}
	return nil
}

func printDemoLogins(out io.Writer) {
	fmt.Fprintf(out, `
演示账号 / demo accounts (password for all: %s)
  admin     民政局管理员 bureau admin
  auditor   审计监督 auditor
  expert1…expert6  评审专家 evaluators (expert6 works for org1: never drawn for its bids)
  org1…org4 已审核社会组织 approved organizations; org5 待审核 pending
  community1 兴大社区工作人员, community2 蛟龙社区工作人员 community workers
`, demoPassword)
}
