package handlers

import (
	_ "embed"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/tender"
)

// The OpenAPI 3.1 document (GET /api/openapi.json) is generated from apiRoutes,
// one line per route, and apiSchemas, the bodies they exchange. A route added
// to routes.go needs its line here: TestOpenAPICoversEveryRoute fails otherwise.

// access is who may call a documented route, mirroring its guard in routes.go.
type access struct {
	ops   bool          // outside /api/v1: no authentication at all
	login bool          // a valid access token is required
	roles []tender.Role // with login: only these roles (none: any user)
}

var (
	opsRoute    = access{ops: true}
	publicRoute = access{} // anyone; a token, when sent, may show more (e.g. drafts to the bureau)
	anyUser     = access{login: true}
)

func only(roles ...tender.Role) access { return access{login: true, roles: roles} }

// Results that are not a JSON component schema.
const (
	noContent = "-"           // 204
	fileBody  = "multipart"   // multipart/form-data with a field "file"
	binary    = "binary"      // the document's own bytes
	xlsx      = "xlsx"        // a spreadsheet
	htmlPage  = "html"        // text/html
	script    = "javascript"  // text/javascript
	plainText = "text"        // text/plain (Prometheus)
	robotsTxt = "robots"      // text/plain, robots.txt (RFC 9309)
	xmlDoc    = "xml"         // application/xml (sitemap)
	ocdsJSON  = "OCDSPackage" // application/json, the OCDS release package
)

// apiRoute documents one route: method, path ({param} syntax), tag, summary
// ("中文 · English"), guard, request body schema, success status and result schema.
type apiRoute struct {
	method, path, tag, summary string
	who                        access
	body                       string
	status                     int
	result                     string
	query                      []string // parameters from components.parameters
}

const (
	apiV1 = "/api/v1"
	// roles, for brevity in the table
	rAdmin     = tender.RoleAdmin
	rOrg       = tender.RoleOrg
	rEvaluator = tender.RoleEvaluator
	rAuditor   = tender.RoleAuditor
	rCommunity = tender.RoleCommunity
)

var apiRoutes = []apiRoute{
	{"GET", "/healthz", "ops", "存活检查 · Liveness", opsRoute, "", 200, "Health", nil},
	{"GET", "/readyz", "ops", "就绪检查（PostgreSQL、对象存储） · Readiness (PostgreSQL, object store)", opsRoute, "", 200, "Ready", nil},
	{"GET", "/api/openapi.json", "ops", "本接口文档（OpenAPI 3.1） · This document (OpenAPI 3.1)", opsRoute, "", 200, "OpenAPI", nil},
	{"GET", "/api/docs", "ops", "接口文档浏览页 · Browsable API documentation", opsRoute, "", 200, htmlPage, nil},
	{"GET", "/api/docs.js", "ops", "接口文档浏览页脚本 · Script of the documentation page", opsRoute, "", 200, script, nil},
	{"GET", "/robots.txt", "ops", "搜索引擎抓取规则 · Crawling rules (robots.txt)", opsRoute, "", 200, robotsTxt, nil},
	{"GET", "/sitemap.xml", "ops", "站点地图：公开的项目与社会组织 · Sitemap of public tenders and organizations", opsRoute, "", 200, xmlDoc, nil},

	{"POST", apiV1 + "/auth/login", "auth", "登录 · Log in", publicRoute, "LoginRequest", 200, "TokenResponse", nil},
	{"POST", apiV1 + "/auth/refresh", "auth", "刷新令牌（旧刷新令牌作废） · Rotate the refresh token", publicRoute, "RefreshRequest", 200, "TokenResponse", nil},
	{"POST", apiV1 + "/auth/logout", "auth", "注销刷新令牌 · Revoke a refresh token", publicRoute, "RefreshRequest", 204, noContent, nil},
	{"GET", apiV1 + "/me", "auth", "当前用户 · The current user", anyUser, "", 200, "User", nil},
	{"POST", apiV1 + "/me/password", "auth", "修改本人密码（其他会话全部失效） · Change my password (ends every session)", anyUser, "PasswordRequest", 204, noContent, nil},

	{"POST", apiV1 + "/users", "users", "创建工作人员账号 · Create a staff account", only(rAdmin), "CreateUserRequest", 201, "User", nil},
	{"GET", apiV1 + "/users", "users", "用户列表 · List users", only(rAdmin), "", 200, "UserPage", []string{"limit", "cursor"}},
	{"PATCH", apiV1 + "/users/{id}", "users", "修改用户 · Update a user", only(rAdmin), "PatchUserRequest", 200, "User", nil},

	{"POST", apiV1 + "/organizations/register", "organizations", "社会组织注册 · Register an organization", publicRoute, "RegisterRequest", 201, "Registered", nil},
	{"GET", apiV1 + "/organizations", "organizations", "社会组织列表 · List organizations", only(rAdmin, rAuditor), "", 200, "OrganizationPage",
		[]string{"org_status", "org_type", "community", "q", "limit", "cursor"}},
	{"GET", apiV1 + "/organizations/{id}", "organizations", "社会组织详情（本机构或工作人员） · An organization (own or staff)", only(rAdmin, rAuditor, rOrg), "", 200, "Organization", nil},
	{"PATCH", apiV1 + "/organizations/{id}", "organizations", "修改社会组织信息 · Update an organization", only(rAdmin, rOrg), "PatchOrganizationRequest", 200, "Organization", nil},
	{"POST", apiV1 + "/organizations/{id}/approve", "organizations", "审核通过 · Approve", only(rAdmin), "ReasonRequest", 200, "Organization", nil},
	{"POST", apiV1 + "/organizations/{id}/reject", "organizations", "审核不通过 · Reject", only(rAdmin), "ReasonRequest", 200, "Organization", nil},
	{"POST", apiV1 + "/organizations/{id}/suspend", "organizations", "列入失信、暂停 · Suspend (失信)", only(rAdmin), "ReasonRequest", 200, "Organization", nil},
	{"POST", apiV1 + "/organizations/{id}/reinstate", "organizations", "恢复 · Reinstate", only(rAdmin), "ReasonRequest", 200, "Organization", nil},

	{"GET", apiV1 + "/communities", "communities", "社区名录 · The community registry", publicRoute, "", 200, "CommunityPage",
		[]string{"town", "community_kind", "q", "limit", "cursor"}},
	{"GET", apiV1 + "/communities/{id}", "communities", "社区详情 · A community", publicRoute, "", 200, "Community", nil},
	{"GET", apiV1 + "/communities/{id}/indicators", "communities", "四社联动指标 · The community's 四社联动 indicators", publicRoute, "", 200, "CommunityIndicators", nil},
	{"POST", apiV1 + "/communities", "communities", "登记社区 · Register a community", only(rAdmin), "CommunityRequest", 201, "Community", nil},
	{"PATCH", apiV1 + "/communities/{id}", "communities", "修改社区（本社区工作人员仅可改人数） · Update a community (its own user: counts only)",
		only(rAdmin, rCommunity), "PatchCommunityRequest", 200, "Community", nil},

	{"POST", apiV1 + "/needs", "planning", "上报社区需求（社区工作人员：本社区；居民：匿名，每地址每小时10条） · Report a need (community user: own community; residents: anonymous, 10 per address per hour)",
		publicRoute, "NeedRequest", 201, "Need", nil},
	{"GET", apiV1 + "/needs", "planning", "需求公示板（公众：已受理及之后，不显示上报人；社区：本社区全部；民政局：全部） · Needs board",
		publicRoute, "", 200, "NeedPage", []string{"need_status", "community_id", "project_item_id", "limit", "cursor"}},
	{"GET", apiV1 + "/needs/{id}", "planning", "需求详情 · A need", publicRoute, "", 200, "Need", nil},
	{"POST", apiV1 + "/needs/{id}/accept", "planning", "受理需求 · Accept a need", only(rAdmin), "", 200, "Need", nil},
	{"POST", apiV1 + "/needs/{id}/decline", "planning", "不予受理（须说明理由） · Decline a need, with a reason", only(rAdmin), "ReasonRequest", 200, "Need", nil},
	{"GET", apiV1 + "/project-list", "planning", "年度购买服务项目清单及各资金来源合计 · The year's project list with totals per funding source",
		publicRoute, "", 200, "ProjectList", []string{"year", "quarter", "plan_status", "community_id", "funding_source", "limit", "cursor"}},
	{"POST", apiV1 + "/project-list/items", "planning", "新增清单项目（草稿） · Add a draft item", only(rAdmin), "PlanItemRequest", 201, "PlanItem", nil},
	{"GET", apiV1 + "/project-list/items/{id}", "planning", "清单项目 · An item", publicRoute, "", 200, "PlanItem", nil},
	{"PATCH", apiV1 + "/project-list/items/{id}", "planning", "修改草稿项目 · Edit a draft item", only(rAdmin), "PlanItemPatchRequest", 200, "PlanItem", nil},
	{"POST", apiV1 + "/project-list/items/{id}/publish", "planning", "发布清单项目 · Publish an item", only(rAdmin), "", 200, "PlanItem", nil},
	{"POST", apiV1 + "/project-list/items/{id}/drop", "planning", "撤销清单项目（理由公开） · Drop an item (reason public)", only(rAdmin), "ReasonRequest", 200, "PlanItem", nil},
	{"POST", apiV1 + "/project-list/items/{id}/tender", "planning", "由清单项目生成采购项目草稿 · Create the draft tender from an item", only(rAdmin), "", 201, "Tender", nil},

	{"GET", apiV1 + "/catalog", "catalog", "购买服务目录 · The service catalog", publicRoute, "", 200, "CatalogList", []string{"all", "limit", "cursor"}},
	{"POST", apiV1 + "/catalog", "catalog", "新增目录项 · Add a catalog item", only(rAdmin), "CatalogItemRequest", 201, "CatalogItem", nil},
	{"PATCH", apiV1 + "/catalog/{id}", "catalog", "修改目录项 · Update a catalog item", only(rAdmin), "CatalogItemRequest", 200, "CatalogItem", nil},

	{"POST", apiV1 + "/tenders", "tenders", "创建项目草稿 · Create a draft tender", only(rAdmin), "TenderRequest", 201, "Tender", nil},
	{"GET", apiV1 + "/tenders", "tenders", "项目列表（公众不见草稿） · List tenders (drafts: staff only)", publicRoute, "", 200, "TenderPage",
		[]string{"tender_status", "kind", "procedure", "catalog_item_id", "community", "q", "limit", "cursor"}},
	{"GET", apiV1 + "/tenders/{id}", "tenders", "项目详情（含风险提示） · A tender with its red flags", publicRoute, "", 200, "Tender", nil},
	{"PATCH", apiV1 + "/tenders/{id}", "tenders", "修改草稿 · Edit a draft", only(rAdmin), "TenderPatchRequest", 200, "Tender", nil},
	{"POST", apiV1 + "/tenders/{id}/publish", "tenders", "发布项目 · Publish", only(rAdmin), "", 200, "Tender", nil},
	{"POST", apiV1 + "/tenders/{id}/cancel", "tenders", "取消项目 · Cancel", only(rAdmin), "ReasonRequest", 200, "Tender", nil},
	{"POST", apiV1 + "/tenders/{id}/documents", "documents", "上传招标文件 · Upload a tender document", only(rAdmin), fileBody, 201, "Document", nil},
	{"GET", apiV1 + "/tenders/{id}/documents", "documents", "招标文件列表 · Tender documents", publicRoute, "", 200, "DocumentList", []string{"limit", "cursor"}},
	{"GET", apiV1 + "/documents/{id}", "documents", "文件信息（同所属对象的权限） · Document metadata (as its owner)", publicRoute, "", 200, "Document", nil},
	{"GET", apiV1 + "/documents/{id}/content", "documents", "下载文件（支持 Range） · Download (Range supported)", publicRoute, "", 200, binary, nil},
	{"DELETE", apiV1 + "/documents/{id}", "documents", "删除文件 · Delete a document", only(rAdmin, rOrg), "", 204, noContent, nil},
	{"POST", apiV1 + "/tenders/{id}/questions", "questions", "提问（答疑截止前） · Ask (before the enquiry deadline)", only(rOrg), "TextRequest", 201, "Question", nil},
	{"GET", apiV1 + "/tenders/{id}/questions", "questions", "答疑列表（不显示提问人） · Questions (askers never shown)", publicRoute, "", 200, "QuestionList", []string{"limit", "cursor"}},
	{"POST", apiV1 + "/questions/{id}/answer", "questions", "答复 · Answer", only(rAdmin), "TextRequest", 200, "Question", nil},

	{"POST", apiV1 + "/tenders/{id}/bids", "bids", "创建投标 · Create a bid", only(rOrg), "BidRequest", 201, "Bid", nil},
	{"GET", apiV1 + "/tenders/{id}/bids", "bids", "投标列表（开标前仅本机构） · Bids (sealed until opening)", anyUser, "", 200, "BidList", []string{"limit", "cursor"}},
	{"GET", apiV1 + "/me/bids", "bids", "本机构的投标 · My organization's bids", only(rOrg), "", 200, "BidList", []string{"limit", "cursor"}},
	{"GET", apiV1 + "/bids/{id}", "bids", "投标详情 · A bid", anyUser, "", 200, "Bid", nil},
	{"PATCH", apiV1 + "/bids/{id}", "bids", "修改投标 · Edit a bid", only(rOrg), "BidRequest", 200, "Bid", nil},
	{"POST", apiV1 + "/bids/{id}/documents", "bids", "上传投标文件（加密保存） · Upload a bid document (sealed)", only(rOrg), fileBody, 201, "Document", nil},
	{"GET", apiV1 + "/bids/{id}/documents", "bids", "投标文件列表 · Bid documents", anyUser, "", 200, "DocumentList", []string{"limit", "cursor"}},
	{"POST", apiV1 + "/bids/{id}/submit", "bids", "递交投标，返回签名回执 · Submit; returns a signed receipt", only(rOrg), "", 200, "SubmitResult", nil},
	{"POST", apiV1 + "/bids/{id}/withdraw", "bids", "撤回投标 · Withdraw", only(rOrg), "", 200, "Bid", nil},
	{"POST", apiV1 + "/bids/{id}/qualify", "bids", "资格审查 · Qualification decision", only(rAdmin), "QualifyRequest", 200, "QualifyResult", nil},
	{"GET", apiV1 + "/tenders/{id}/opening", "bids", "开标记录（开标后公开） · Opening record (public after opening)", publicRoute, "", 200, "Opening", nil},
	{"GET", apiV1 + "/keys/receipts", "bids", "回执验签公钥 · Receipt verification key", publicRoute, "", 200, "ReceiptKey", nil},

	{"POST", apiV1 + "/tenders/{id}/panel", "evaluation", "随机抽取评审专家 · Draw the panel", only(rAdmin), "PanelRequest", 201, "Panel", nil},
	{"GET", apiV1 + "/tenders/{id}/panel", "evaluation", "评审委员会（成交后公开） · The panel (public after award)", publicRoute, "", 200, "Panel", nil},
	{"GET", apiV1 + "/tenders/{id}/draws", "evaluation", "抽取记录，可复算（成交后公开） · The draws, to recompute (public after award)", publicRoute, "", 200, "Draws", nil},
	{"GET", apiV1 + "/me/panels", "evaluation", "我参加的评审 · My panels", only(rEvaluator), "", 200, "MyPanelList", []string{"limit", "cursor"}},
	{"GET", apiV1 + "/me/contract-panels", "contracts", "我参加的履约评估 · My contract evaluation panels", only(rEvaluator), "", 200, "MyContractPanelList", []string{"limit", "cursor"}},
	{"POST", apiV1 + "/tenders/{id}/declaration", "evaluation", "回避声明 · Conflict declaration", only(rEvaluator), "DeclarationRequest", 200, "Panel", nil},
	{"PUT", apiV1 + "/tenders/{id}/bids/{bid_id}/scores", "evaluation", "评分 · Score a bid", only(rEvaluator), "ScoresRequest", 200, "ScoreList", nil},
	{"GET", apiV1 + "/tenders/{id}/scores", "evaluation", "评分明细 · Scores", only(rAdmin, rAuditor, rEvaluator), "", 200, "ScoreList", []string{"limit", "cursor"}},
	{"POST", apiV1 + "/tenders/{id}/scores/submit", "evaluation", "提交评分表 · Submit my score sheet", only(rEvaluator), "", 200, "Panel", nil},
	{"GET", apiV1 + "/tenders/{id}/evaluation", "evaluation", "评审结果（成交后公开） · Results (public after award)", publicRoute, "", 200, "Evaluation", []string{"lot_id"}},
	{"GET", apiV1 + "/tenders/{id}/evaluation.xlsx", "evaluation", "评分汇总表 · Score summary spreadsheet", publicRoute, "", 200, xlsx, []string{"lot_id", "xlsx_lang"}},
	{"GET", apiV1 + "/tenders/{id}/recommendation", "awards", "推荐成交 · Recommendation", only(rAdmin), "", 200, "Recommendation", []string{"lot_id"}},
	{"POST", apiV1 + "/tenders/{id}/award", "awards", "确定成交并公示 · Award and start publicity", only(rAdmin), "AwardRequest", 201, "AwardsMade", []string{"lot_id"}},
	{"GET", apiV1 + "/tenders/{id}/awards", "awards", "成交公告 · Award notice", publicRoute, "", 200, "AwardList", []string{"limit", "cursor"}},
	{"POST", apiV1 + "/tenders/{id}/objections", "awards", "质疑（公示期内） · Object (during publicity)", only(rOrg), "TextRequest", 201, "Objection", nil},
	{"GET", apiV1 + "/tenders/{id}/objections", "awards", "质疑列表 · Objections", only(rAdmin, rAuditor, rOrg), "", 200, "ObjectionList", []string{"limit", "cursor"}},
	{"POST", apiV1 + "/objections/{id}/resolve", "awards", "答复质疑 · Resolve an objection", only(rAdmin), "ResolveRequest", 200, "Objection", nil},
	{"POST", apiV1 + "/awards/{id}/performance", "awards", "履约评价 · Rate performance", only(rAdmin), "PerformanceRequest", 201, "Performance", nil},
	{"GET", apiV1 + "/procedures", "tenders", "采购方式及其法律依据 · Procurement procedures with their legal basis", publicRoute, "", 200, "ProcedurePage",
		[]string{"limit", "cursor"}},
	{"GET", apiV1 + "/calendar/{year}", "calendar", "工作日历 · Working-day calendar", publicRoute, "", 200, "Calendar", nil},
	{"PUT", apiV1 + "/calendar/{year}", "calendar", "设置节假日与调休 · Set holidays and make-up days", only(rAdmin), "CalendarRequest", 200, "Calendar", nil},

	{"GET", apiV1 + "/public/organizations", "transparency", "社会组织信用公示 · Organizations' credit profiles", publicRoute, "", 200, "CreditProfilePage",
		[]string{"q", "org_type", "community", "grade", "limit", "cursor"}},
	{"GET", apiV1 + "/public/organizations/{id}", "transparency", "信用档案 · A credit profile", publicRoute, "", 200, "CreditProfile", nil},
	{"POST", apiV1 + "/public/tenders/{id}/feedback", "transparency", "居民评价（已办结项目） · Residents' feedback (completed tenders)", publicRoute, "FeedbackRequest", 201, "FeedbackReceipt", nil},
	{"GET", apiV1 + "/public/tenders/{id}/feedback", "transparency", "评分与已审核的评价 · Rating and approved comments", publicRoute, "", 200, "TenderFeedback", []string{"limit", "cursor"}},
	{"GET", apiV1 + "/feedback", "transparency", "评价审核队列 · Feedback moderation queue", only(rAdmin), "", 200, "FeedbackList",
		[]string{"feedback_status", "limit", "cursor"}},
	{"POST", apiV1 + "/feedback/{id}/approve", "transparency", "通过评价 · Approve feedback", only(rAdmin), "", 200, "Feedback", nil},
	{"POST", apiV1 + "/feedback/{id}/reject", "transparency", "驳回评价 · Reject feedback", only(rAdmin), "", 200, "Feedback", nil},
	{"GET", apiV1 + "/stats", "transparency", "统计 · Statistics", publicRoute, "", 200, "Stats", nil},
	{"GET", apiV1 + "/contracts", "contracts", "合同列表（公众：已签订的） · Contracts (public: once signed)", publicRoute, "", 200, "ContractPage",
		[]string{"tender_id", "org_id", "contract_status", "limit", "cursor"}},
	{"GET", apiV1 + "/contracts/ledger.xlsx", "contracts", "合同台账（按年度、资金来源） · Contract ledger by year and funding source", only(rAdmin, rAuditor), "", 200, xlsx,
		[]string{"ledger_year", "funding_source", "xlsx_lang"}},
	{"GET", apiV1 + "/contracts/{id}", "contracts", "合同详情、履约节点、付款、报告 · A contract with milestones, payments, reports", publicRoute, "", 200, "Contract", nil},
	{"PUT", apiV1 + "/contracts/{id}/milestones", "contracts", "设置履约节点（待签订） · Set the milestones (drafted)", only(rAdmin), "MilestonesRequest", 200, "Contract", nil},
	{"POST", apiV1 + "/contracts/{id}/documents", "contracts", "上传合同文本、付款凭证 · Upload the signed contract or a voucher", only(rAdmin), fileBody, 201, "Document", nil},
	{"POST", apiV1 + "/contracts/{id}/sign", "contracts", "签订合同 · Sign", only(rAdmin), "SignRequest", 200, "Contract", nil},
	{"POST", apiV1 + "/contracts/{id}/suspend", "contracts", "暂停履约 · Suspend", only(rAdmin), "ReasonRequest", 200, "Contract", nil},
	{"POST", apiV1 + "/contracts/{id}/reinstate", "contracts", "恢复履约 · Reinstate", only(rAdmin), "ReasonRequest", 200, "Contract", nil},
	{"POST", apiV1 + "/contracts/{id}/terminate", "contracts", "终止合同 · Terminate", only(rAdmin), "ReasonRequest", 200, "Contract", nil},
	{"POST", apiV1 + "/contracts/{id}/milestones/{mid}/documents", "contracts", "上传履约报告材料 · Upload a report document", only(rOrg), fileBody, 201, "Document", nil},
	{"POST", apiV1 + "/contracts/{id}/milestones/{mid}/report", "contracts", "提交履约报告与服务记录 · Submit a report with its service record", only(rOrg), "ReportRequest", 201, "Report", nil},
	{"POST", apiV1 + "/contracts/{id}/milestones/{mid}/accept", "contracts", "验收报告 · Accept the report", only(rAdmin), "ReasonRequest", 200, "Contract", nil},
	{"POST", apiV1 + "/contracts/{id}/milestones/{mid}/return", "contracts", "退回报告 · Return the report", only(rAdmin), "ReasonRequest", 200, "Contract", nil},
	{"POST", apiV1 + "/contracts/{id}/payments", "contracts", "登记付款 · Record a payment", only(rAdmin), "PaymentRequest", 201, "Payment", nil},
	{"POST", apiV1 + "/contracts/{id}/milestones/{mid}/panel", "contracts", "抽取（或指定）评估小组 · Draw (or name) the evaluation panel", only(rAdmin), "PanelRequest", 201, "Panel", nil},
	{"GET", apiV1 + "/contracts/{id}/milestones/{mid}/panel", "contracts", "评估小组 · The evaluation panel", only(rAdmin, rAuditor, rEvaluator), "", 200, "Panel", nil},
	{"POST", apiV1 + "/contracts/{id}/milestones/{mid}/declaration", "contracts", "回避声明 · Conflict declaration", only(rEvaluator), "DeclarationRequest", 200, "Panel", nil},
	{"PUT", apiV1 + "/contracts/{id}/milestones/{mid}/scores", "contracts", "评估打分 · Score the report", only(rEvaluator), "ContractScoresRequest", 200, "ContractScoreList", nil},
	{"GET", apiV1 + "/contracts/{id}/milestones/{mid}/scores", "contracts", "评估打分明细（成员：本人） · Scores (a member: own)", only(rAdmin, rAuditor, rEvaluator), "", 200, "ContractScoreList", []string{"limit", "cursor"}},
	{"POST", apiV1 + "/contracts/{id}/milestones/{mid}/scores/submit", "contracts", "提交评估表 · Submit my sheet", only(rEvaluator), "", 200, "ContractEvaluation", nil},
	{"GET", apiV1 + "/contracts/{id}/milestones/{mid}/evaluation", "contracts", "评估结果（完成后公开） · Evaluation result (public once complete)", publicRoute, "", 200, "ContractEvaluation", nil},
	{"POST", apiV1 + "/public/contracts/{id}/feedback", "contracts", "居民评价（履约中、已完成合同） · Residents' feedback (active or completed contracts)", publicRoute, "FeedbackRequest", 201, "FeedbackReceipt", nil},
	{"GET", apiV1 + "/ocds/releases", "transparency", "OCDS 1.1 发布包 · OCDS 1.1 release package", publicRoute, "", 200, ocdsJSON,
		[]string{"since", "ocds_limit", "ocds_cursor"}},

	{"GET", apiV1 + "/audit", "audit", "审计日志 · Audit log", only(rAdmin, rAuditor), "", 200, "AuditPage",
		[]string{"stream", "entity", "entity_id", "limit", "audit_cursor"}},
	{"GET", apiV1 + "/audit/verify", "audit", "校验哈希链 · Verify the hash chains", only(rAdmin, rAuditor), "", 200, "AuditReport", nil},
	{"GET", apiV1 + "/audit/checkpoints", "audit", "签名检查点（公开，可保存以备核对） · Signed checkpoints (public; keep them to check later)", publicRoute, "", 200, "CheckpointPage",
		[]string{"cp_since", "limit"}},
}

var apiTags = []struct{ name, zh, en string }{
	{"auth", "认证", "Sign-in and tokens"},
	{"users", "用户", "Staff accounts"},
	{"organizations", "社会组织", "Organizations"},
	{"communities", "社区", "Communities and the 四社联动 indicators"},
	{"planning", "需求与项目清单", "Needs and the yearly project list"},
	{"catalog", "服务目录", "Catalog of purchasable services"},
	{"tenders", "项目", "Tenders and venture calls"},
	{"documents", "文件", "Documents"},
	{"questions", "答疑", "Clarification questions"},
	{"bids", "投标与开标", "Sealed bids and the opening"},
	{"evaluation", "评审", "Panel and scoring"},
	{"awards", "成交、质疑与履约", "Award, objections, performance"},
	{"calendar", "工作日历", "Working-day calendar"},
	{"contracts", "合同与履约", "Contracts, delivery, payments, evaluation"},
	{"transparency", "信息公开与监督", "Public records, feedback, statistics, OCDS"},
	{"audit", "审计", "Audit log"},
	{"ops", "运维", "Operations"},
}

// Schema helpers: each returns a fresh JSON Schema (2020-12) object.
type jsonObject = map[string]any

func ref(name string) jsonObject { return jsonObject{"$ref": "#/components/schemas/" + name} }

func typed(t, desc string) jsonObject {
	s := jsonObject{"type": t}
	if desc != "" {
		s["description"] = desc
	}
	return s
}

func str(desc string) jsonObject     { return typed("string", desc) }
func integer(desc string) jsonObject { return typed("integer", desc) }
func number(desc string) jsonObject  { return typed("number", desc) }
func boolean(desc string) jsonObject { return typed("boolean", desc) }
func fen(desc string) jsonObject     { return typed("integer", desc+"（分 · fen）") }

func dateTime(desc string) jsonObject {
	s := str(desc)
	s["format"] = "date-time"
	return s
}

func date(desc string) jsonObject {
	s := str(desc)
	s["format"] = "date"
	return s
}

func enum(desc string, values ...string) jsonObject {
	s := str(desc)
	s["enum"] = values
	return s
}

func arrayOf(items jsonObject) jsonObject { return jsonObject{"type": "array", "items": items} }

// orNull lets a value be null as well.
func orNull(s jsonObject) jsonObject {
	if t, ok := s["type"].(string); ok {
		out := jsonObject{}
		for k, v := range s {
			out[k] = v
		}
		out["type"] = []string{t, "null"}
		if e, ok := s["enum"].([]string); ok {
			vals := make([]any, 0, len(e)+1)
			for _, v := range e {
				vals = append(vals, v)
			}
			out["enum"] = append(vals, nil)
		}
		return out
	}
	return jsonObject{"anyOf": []any{s, jsonObject{"type": "null"}}}
}

// object is an object schema; required names the properties always present.
func object(desc string, required []string, props jsonObject) jsonObject {
	s := jsonObject{"type": "object", "properties": props}
	if desc != "" {
		s["description"] = desc
	}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// strict is an object that refuses unknown properties, as every request body does.
func strict(desc string, required []string, props jsonObject) jsonObject {
	s := object(desc, required, props)
	s["additionalProperties"] = false
	return s
}

// listOf is the SPEC's list envelope around items of the named schema.
func listOf(item string) jsonObject {
	return object("列表 · List", []string{"items", "next_cursor"}, jsonObject{
		"items":       arrayOf(ref(item)),
		"next_cursor": orNull(str("下一页游标，无则为 null · Cursor of the next page, or null")),
	})
}

var (
	roleEnum         = []string{"admin", "org", "evaluator", "auditor", "community"}
	orgTypeEnum      = []string{"social_org", "social_work_agency", "volunteer_org"}
	registrationEnum = []string{"registered", "filed"}
	tenderStatusEnum = []string{"draft", "open", "evaluating", "awarded", "completed", "cancelled", "failed"}
	fundingEnum      = []string{"fiscal", "welfare_lottery", "charity", "social"}
	bidStatusEnum    = []string{"draft", "submitted", "withdrawn", "qualified", "disqualified"}
	// contractStatusEnum and milestoneStatusEnum follow the domain's tables.
	contractStatusEnum  = []string{"drafted", "active", "suspended", "completed", "terminated"}
	milestoneStatusEnum = []string{"pending", "submitted", "returned", "accepted", "paid", "withheld"}
)

// problemCodes lists the SPEC's problem codes in its order.
var problemCodes = []string{tender.CodeInvalidJSON, tender.CodeValidationFailed, tender.CodeUnauthenticated,
	tender.CodeForbidden, tender.CodeNotFound, tender.CodeConflict, tender.CodeInvalidState, tender.CodeDeadlinePassed,
	tender.CodeNotEligible, tender.CodeSealed, tender.CodePayloadTooLarge, tender.CodeUnsupportedMediaType,
	tender.CodeRateLimited, tender.CodeStorageUnavailable, tender.CodeInternal}

func tenderFields() jsonObject {
	return jsonObject{
		"kind": enum("purchase 政府购买服务；venture 公益创投", "purchase", "venture"),
		"procedure": enum("采购方式（GET /procedures）；省略时按类型和预算确定 · Procedure; omitted: from kind and budget",
			procedureEnum...),
		"lots":                     arrayOf(ref("Lot")),
		"single_source_org_id":     str("单一来源：唯一可以响应的社会组织 · single_source: the one organization that may respond"),
		"title":                    str("标题 · Title"),
		"description":              str("说明 · Description"),
		"catalog_item_id":          str("服务目录项 · Catalog item id"),
		"community_id":             orNull(str("服务社区（空为全县） · Community served, null: county-wide")),
		"community":                str("社区名称；输入时可代替 community_id · Its name; accepted instead of community_id on input"),
		"funding_source":           enum("资金来源 · Funding source", fundingEnum...),
		"budget_fen":               fen("最高限价；公益创投为资金池 · Ceiling price; the pool for venture"),
		"max_award_fen":            orNull(fen("公益创投单项上限 · Venture cap per proposal")),
		"max_awards":               integer("最多成交数 · Most awards"),
		"min_bids":                 integer("最少有效投标数，不足则流标 · Fewest bids, else failed"),
		"min_award_score":          orNull(number("公益创投最低得分 · Venture minimum score")),
		"service_start":            str("服务开始 YYYY-MM-DD（未定为空） · Service start, empty when unset"),
		"service_end":              str("服务结束 YYYY-MM-DD（未定为空） · Service end, empty when unset"),
		"eligibility":              ref("Eligibility"),
		"evaluation":               ref("EvaluationConfig"),
		"enquiry_deadline":         dateTime("答疑截止 · Enquiry deadline"),
		"bid_deadline":             dateTime("投标截止（开标时间） · Bid deadline (opening)"),
		"community_preference_pct": integer("本社区机构价格扣除百分比 · Price preference for the tender's community, %"),
	}
}

// planItemFields are a project-list item's fields the bureau sets.
func planItemFields() jsonObject {
	return jsonObject{
		"year": integer("年度 · Year"), "title": str(""), "catalog_item_id": orNull(str("")),
		"community_id": orNull(str("空为全县 · null: county-wide")), "community": str("社区名称，可代替 community_id · Name, instead of community_id"),
		"need_ids":   arrayOf(str("已受理的需求 · Accepted needs")),
		"budget_fen": fen("预算 · Budget"), "funding_source": enum("", fundingEnum...),
		"procedure":          enum("采购方式（§7.3） · Procedure (§7.3)", "", "public_tender", "competitive_consultation", "competitive_negotiation", "single_source", "venture", "claim"),
		"local_orgs_first":   boolean("仅限本社区组织 · Only this community's organizations"),
		"county_wide_reason": str("本社区项目面向全县的理由（公开） · Why a community's item is open county-wide (public)"),
		"planned_quarter":    jsonObject{"type": "integer", "minimum": 1, "maximum": 4},
	}
}

// communitySchema is a community's fields; withIDs adds what the portal sets.
func communitySchema(withIDs bool) jsonObject {
	count := func(desc string) jsonObject {
		s := integer(desc)
		s["minimum"] = 0
		return s
	}
	p := jsonObject{
		"name": str("如 临沭街道兴大社区 · e.g. 临沭街道兴大社区"), "town": str("乡镇（街道） · Town"),
		"kind":                     enum("urban 城市社区；rural 农村社区", "urban", "rural"),
		"residents":                count("居民人数 · Residents"),
		"staff_total":              count("社区工作人员总数 · Community staff"),
		"social_work_staff":        count("社会工作岗位人数（≤ staff_total） · Staff in social-work posts"),
		"certified_social_workers": count("持证社工（≤ social_work_staff） · Certified social workers"),
		"registered_volunteers":    count("注册志愿者（≤ residents） · Registered volunteers"),
	}
	if withIDs {
		p["id"], p["created_at"], p["updated_at"] = str(""), dateTime(""), dateTime("")
	}
	return p
}

// tenderSchema is a tender as the API returns it: the request fields and what the portal adds.
func tenderSchema() jsonObject {
	p := tenderFields()
	added := jsonObject{
		"id": str(""), "code": str("如 LSMZ-2026-0007 · e.g. LSMZ-2026-0007"), "status": enum("", tenderStatusEnum...),
		"cancel_reason": str(""), "published_at": orNull(dateTime("")), "opened_at": orNull(dateTime("")),
		"created_at": dateTime(""), "updated_at": dateTime(""),
		"red_flags":       arrayOf(str("风险提示 · Red flag")),
		"draw_commitment": str("抽取承诺 H(r)，发布时生成（空：草稿） · Draw commitment H(r), made at publication (empty: draft)"),
		"project_item_id": orNull(str("来源清单项目 · The project-list item it was created from")),
	}
	for k, v := range added {
		p[k] = v
	}
	return object("", []string{"id", "code", "kind", "title", "status", "budget_fen", "bid_deadline"}, p)
}

// procedureEnum lists the procedures of §7.3, read from the table itself.
var procedureEnum = func() []string {
	var out []string
	for _, r := range tender.Procedures() {
		out = append(out, string(r.Procedure))
	}
	return out
}()

var apiSchemas = map[string]jsonObject{
	"Procedure": object("采购方式（§7.3） · A procurement procedure", []string{"procedure", "name_zh", "kind", "min_bids",
		"min_bids_allowed", "window", "panel", "methods", "price_weight", "legal_basis"}, jsonObject{
		"procedure": enum("", procedureEnum...), "name_zh": str("中文名称 · Chinese name"),
		"kind":             enum("", "purchase", "venture"),
		"min_bids":         integer("默认最少有效投标数 · Default fewest bids"),
		"min_bids_allowed": integer("可设置的最低值 · Lowest value allowed"),
		"window": object("最短投标期（发布至投标截止） · Shortest window, publish → bid deadline", []string{"value", "unit"}, jsonObject{
			"value": integer(""), "unit": enum("days 日历日；working_days 工作日（含调休）；floor 仅平台最短期限 PORTAL_MIN_BID_WINDOW",
				"days", "working_days", "floor")}),
		"panel":   orNull(object("评审小组 · Panel", []string{"min_size", "odd"}, jsonObject{"min_size": integer(""), "odd": boolean("")})),
		"methods": arrayOf(enum("", "comprehensive", "lowest_price", "negotiated", "claim")),
		"price_weight": orNull(object("价格分满分范围（百分制） · Range of the price criterion's maximum, of 100", []string{"min", "max"},
			jsonObject{"min": integer(""), "max": integer("")})),
		"legal_basis": str("法律依据 · Legal basis"),
		"rules": arrayOf(object("一条规则、所约束的字段及其依据 · One rule, the field it constrains and its basis",
			[]string{"field", "rule", "legal_basis"}, jsonObject{"field": str(""), "rule": str(""), "legal_basis": str("")})),
	}),
	"ProcedurePage": listOf("Procedure"),
	"Problem": object("RFC 9457 错误 · Problem details", []string{"type", "title", "status", "detail", "code", "errors"}, jsonObject{
		"type":   str("urn:lsmz-portal:problem:<code>"),
		"title":  str("问题类型的简短标题 · short title of the problem type"),
		"status": integer("HTTP 状态码 · HTTP status"),
		"detail": str("中文说明 · Message (zh-CN)"),
		"code":   enum("错误代码 · Problem code", problemCodes...),
		"key":    str("国际化键 · i18n key"),
		"errors": arrayOf(ref("FieldError")),
	}),
	"FieldError": object("字段错误 · A field's problem", []string{"field", "message"}, jsonObject{
		"field": str("字段路径，如 criteria[2].max_score · Field path"), "message": str(""),
	}),
	"Health": object("", []string{"status"}, jsonObject{"status": str("ok")}),
	"Ready": object("", []string{"status", "checks"}, jsonObject{"status": enum("", "ready", "not_ready"),
		"checks": object("", nil, jsonObject{"database": str(""), "object_store": str("")})}),
	"OpenAPI": object("OpenAPI 3.1 文档 · OpenAPI 3.1 document", []string{"openapi", "info", "paths"}, jsonObject{}),

	"LoginRequest": strict("", []string{"username", "password"}, jsonObject{"username": str(""), "password": str("")}),
	"PasswordRequest": strict("", []string{"current_password", "new_password"}, jsonObject{
		"current_password": str("当前密码 · Current password"), "new_password": str("新密码，10 个字符至 72 字节 · New password, 10 characters to 72 bytes")}),
	"RefreshRequest": strict("", []string{"refresh_token"}, jsonObject{"refresh_token": str("刷新令牌 · Refresh token")}),
	"TokenResponse": object("", []string{"access_token", "refresh_token", "expires_in", "user"}, jsonObject{
		"access_token": str("JWT，用于 Authorization: Bearer"), "refresh_token": str(""), "token_type": str("Bearer"),
		"expires_in": integer("秒 · seconds"), "user": ref("SessionUser"),
	}),
	"SessionUser": object("", []string{"id", "username", "role", "org_id", "name"}, jsonObject{
		"id": str(""), "username": str(""), "role": enum("", roleEnum...), "org_id": orNull(str("")), "name": str(""),
		"community_id": orNull(str("社区工作人员所属社区 · A community user's community")),
	}),
	"User": object("", []string{"id", "username", "role", "name"}, jsonObject{
		"id": str(""), "username": str(""), "role": enum("", roleEnum...), "name": str(""), "org_id": orNull(str("")),
		"expertise": orNull(arrayOf(str("专长（服务类别） · Expertise category"))), "employer_org_id": orNull(str("任职机构（回避用） · Employer, for conflicts")),
		"community_id": orNull(str("社区工作人员所属社区 · A community user's community")), "active": boolean(""), "created_at": dateTime(""), "updated_at": dateTime(""),
	}),
	"UserPage": listOf("User"),
	"CreateUserRequest": strict("", []string{"username", "password", "role"}, jsonObject{
		"username": str(""), "password": str("至少 10 位 · at least 10 characters"),
		"role": enum("工作人员角色 · Staff role", "admin", "evaluator", "auditor", "community"), "name": str(""),
		"expertise": arrayOf(str("")), "employer_org_id": orNull(str("")),
		"community_id": orNull(str("community 角色必填 · required for the community role")),
	}),
	"PatchUserRequest": strict("", nil, jsonObject{
		"name": str(""), "expertise": arrayOf(str("")), "employer_org_id": orNull(str("")), "active": boolean(""),
		"password": str(""),
	}),

	"RegisterRequest": strict("机构信息与登录账号 · Organization and its login", []string{"name", "uscc", "type", "registration",
		"community", "legal_representative", "contact_phone", "username", "password"}, jsonObject{
		"name": str(""), "uscc": str("统一社会信用代码（GB 32100-2015 校验） · USCC, check character verified"),
		"type": enum("", orgTypeEnum...), "registration": enum("registered 登记；filed 备案", registrationEnum...),
		"community_id": orNull(str("")), "community": str("社区名称，可代替 community_id · Name, instead of community_id"),
		"legal_representative": str(""), "contact_phone": str("不公开 · never public"),
		"staff_total": integer(""), "social_workers": integer("持证社工人数 · Certified social workers"),
		"username": str(""), "password": str(""),
	}),
	"Registered": object("", []string{"id", "status"}, jsonObject{"id": str(""), "status": enum("", "pending")}),
	"Organization": object("", []string{"id", "name", "uscc", "type", "registration", "status"}, jsonObject{
		"id": str(""), "name": str(""), "uscc": str(""), "type": enum("", orgTypeEnum...),
		"registration": enum("", registrationEnum...), "community_id": orNull(str("")), "community": str(""),
		"legal_representative": str(""),
		"contact_phone":        str(""), "staff_total": integer(""), "social_workers": integer(""),
		"assessment_grade": orNull(enum("评估等级 · Assessment grade", "1A", "2A", "3A", "4A", "5A")),
		"status":           enum("", "pending", "approved", "rejected", "suspended"), "status_reason": str(""),
		"created_at": dateTime(""), "updated_at": dateTime(""),
	}),
	"OrganizationPage": listOf("Organization"),
	"PatchOrganizationRequest": strict("本机构：联系方式、人员；管理员：评估等级、所在社区、组织类型（留痕） · Own org: contacts, staff; admin: grade, community, type (audited)", nil, jsonObject{
		"name": str(""), "community_id": orNull(str("仅管理员 · admin only")), "community": str("仅管理员 · admin only"),
		"type": enum("仅管理员 · admin only", "social_org", "social_work_agency", "volunteer_org"), "legal_representative": str(""),
		"contact_phone": str(""), "staff_total": integer(""), "social_workers": integer(""), "assessment_grade": orNull(str("")),
	}),
	"Community": object("社区及其人数 · A community and its counts", []string{"id", "name", "town", "kind", "residents",
		"staff_total", "social_work_staff", "certified_social_workers", "registered_volunteers"}, func() jsonObject {
		p := communitySchema(true)
		p["service"] = arrayOf(object("已验收服务记录（按年） · Accepted service records per year", []string{"year", "beneficiaries", "volunteer_hours"},
			jsonObject{"year": integer(""), "beneficiaries": integer(""), "volunteer_hours": number("志愿服务时长（小时，两位小数） · Volunteer hours")}))
		return p
	}()),
	"CommunityPage": listOf("Community"),
	"CommunityIndicators": object("社区指标（沭民字〔2016〕14号目标） · Indicators against the seed's targets",
		[]string{"community_id", "name", "kind", "indicators"}, jsonObject{
			"community_id": str(""), "name": str(""), "kind": enum("", "urban", "rural"),
			"indicators": arrayOf(object("", []string{"key", "value", "target", "met"}, jsonObject{
				"key": enum("", "social_work_staff_ratio", "certified_social_workers", "community_social_orgs",
					"volunteer_ratio", "volunteer_participation", "active_services"),
				"value":  orNull(number("比例保留4位小数（四舍五入）或人数、个数 · Ratio with 4 decimals, half-up, or a count")),
				"target": orNull(number("不适用时为 null · null where it does not apply")),
				"met":    orNull(boolean("按整数精确判断 · decided exactly on integers")),
			})),
		}),
	"CommunityRequest":      strict("", []string{"name", "kind"}, communitySchema(false)),
	"PatchCommunityRequest": strict("本社区工作人员只能修改人数 · The community's own user changes counts only", nil, communitySchema(false)),
	"NeedRequest": strict("社区需求 · A community's need", []string{"title"}, jsonObject{
		"community_id":    str("社区（社区工作人员可省略） · Community (a community user may omit it)"),
		"community":       str("社区名称，可代替 community_id · Name, instead of community_id"),
		"catalog_item_id": orNull(str("")), "title": str(""), "description": str(""),
		"beneficiaries": jsonObject{"type": "integer", "minimum": 0, "description": "受益人数 · Beneficiaries"},
	}),
	"Need": object("", []string{"id", "community_id", "community", "title", "status"}, jsonObject{
		"id": str(""), "community_id": str(""), "community": str(""), "catalog_item_id": orNull(str("")),
		"title": str(""), "description": str(""), "beneficiaries": integer(""),
		"status":         enum("", "submitted", "accepted", "declined", "listed", "fulfilled"),
		"decline_reason": str(""), "project_item_id": orNull(str("")),
		"submitted_by": orNull(str("仅民政局可见 · bureau only")), "source": enum("仅民政局可见 · bureau only", "community", "resident"),
		"created_at": dateTime(""), "updated_at": dateTime(""),
	}),
	"NeedPage":             listOf("Need"),
	"PlanItemRequest":      strict("清单项目 · A project-list item", []string{"year", "title", "budget_fen", "funding_source", "planned_quarter"}, planItemFields()),
	"PlanItemPatchRequest": strict("只需给出要改的字段（仅草稿） · Only the fields to change (drafts only)", nil, planItemFields()),
	"PlanItem": object("", []string{"id", "year", "title", "budget_fen", "funding_source", "status", "need_ids"}, func() jsonObject {
		p := planItemFields()
		p["id"], p["community"], p["status"] = str(""), str(""), enum("", "draft", "published", "tendered", "completed", "dropped")
		p["drop_reason"], p["tender_id"], p["published_at"] = str(""), orNull(str("")), orNull(dateTime(""))
		p["created_at"], p["updated_at"] = dateTime(""), dateTime("")
		return p
	}()),
	"ProjectList": object("", []string{"year", "items", "next_cursor", "totals"}, jsonObject{
		"year": integer(""), "items": arrayOf(ref("PlanItem")), "next_cursor": orNull(str("")),
		"totals": object("各资金来源预算合计（不含已撤销） · Budget per funding source, dropped items not counted",
			[]string{"fiscal", "welfare_lottery", "charity", "social"}, jsonObject{
				"fiscal": fen(""), "welfare_lottery": fen(""), "charity": fen(""), "social": fen(""),
			}),
	}),
	"ReasonRequest": strict("", nil, jsonObject{"reason": str("理由（驳回、暂停、取消时必填） · Reason (required to reject, suspend, cancel)")}),

	"CatalogItem": object("", []string{"id", "code", "name", "category", "active"}, jsonObject{
		"id": str(""), "code": str(""), "name": str(""), "category": str(""), "description": str(""),
		"active": boolean(""), "created_at": dateTime(""), "updated_at": dateTime(""),
	}),
	"CatalogList": listOf("CatalogItem"),
	"CatalogItemRequest": strict("", nil, jsonObject{
		"code": str(""), "name": str(""), "category": str(""), "description": str(""), "active": boolean(""),
	}),

	"Criterion": object("评分项 · Criterion", []string{"name", "max_score", "kind"}, jsonObject{
		"id": str("如 c1（服务器分配） · e.g. c1, assigned"), "name": str(""), "max_score": integer("满分 · Max score"),
		"kind": enum("quality 专家评分；price 公式计算", "quality", "price"),
	}),
	"Eligibility": object("投标资格 · Eligibility", nil, jsonObject{
		"org_types": orNull(arrayOf(enum("", orgTypeEnum...))), "registered_only": boolean(""),
		"min_social_workers": integer(""),
		"community_id":       str("仅限该社区的组织（清单项目 local_orgs_first） · Only this community's organizations"),
	}),
	"EvaluationConfig": object("评审办法 · Evaluation", nil, jsonObject{
		"method": enum("comprehensive 综合评分法；lowest_price 最低评标价法；negotiated 单一来源协商；claim 服务认领",
			"comprehensive", "lowest_price", "negotiated", "claim"),
		"panel_size":    integer("奇数，≥3（预算达公开招标标准时 ≥5） · Odd, ≥3 (≥5 for public tenders)"),
		"trim_extremes": boolean("去掉最高分和最低分 · Drop highest and lowest"), "criteria": arrayOf(ref("Criterion")),
	}),
	"TenderRequest": strict("项目草稿 · A draft tender",
		[]string{"kind", "title", "funding_source", "budget_fen", "enquiry_deadline", "bid_deadline"}, tenderFields()),
	"TenderPatchRequest": strict("只需给出要改的字段 · Only the fields to change", nil, tenderFields()),
	"Tender":             tenderSchema(),
	"TenderPage":         listOf("Tender"),

	"Document": object("", []string{"id", "owner_type", "owner_id", "filename", "content_type", "size_bytes", "sha256"}, jsonObject{
		"id": str(""), "owner_type": enum("", "tender", "bid", "contract", "milestone"), "owner_id": str(""), "filename": str(""),
		"content_type": str(""), "size_bytes": integer(""), "sha256": str("内容 SHA-256（十六进制） · hex"),
		"sealed": boolean("开标前加密保存 · Encrypted until opening"), "created_at": dateTime(""),
	}),
	"DocumentList": listOf("Document"),
	"FileUpload": object("", []string{"file"}, jsonObject{
		"size": jsonObject{"type": "integer", "minimum": 1, "description": "文件的字节数，须在 file 之前发送；声明后超限即拒绝，文件一次存入，实际字节数不符则不保存（422 document.size_mismatch） · " +
			"The file's size in bytes, sent before file; when declared, a file over the limit is refused before it is read, it is stored in one PUT, and a file of another length is not stored (422 document.size_mismatch)"},
		"file": jsonObject{"type": "string", "contentMediaType": "application/octet-stream",
			"description": "PDF、Word、Excel、JPG、PNG 或 ZIP；表单在文件结束前中断（无 size 时）则不保存（422 document.incomplete） · PDF, Word, Excel, JPG, PNG or ZIP; a form that ends before the file does (without size) is not stored (422 document.incomplete)"}}),
	"TextRequest": strict("", []string{"text"}, jsonObject{"text": str("")}),
	"Question": object("", []string{"id", "tender_id", "text"}, jsonObject{
		"id": str(""), "tender_id": str(""), "mine": boolean("本机构所提 · Asked by my organization"), "text": str(""),
		"answer": orNull(str("")), "answered_at": orNull(dateTime("")), "created_at": dateTime(""),
	}),
	"QuestionList": listOf("Question"),

	"BidRequest": strict("", nil, jsonObject{"lot_id": str("标包（仅创建时；分标包的项目必填） · Lot (at creation; required when the tender has lots)"), "price_fen": fen("报价；公益创投为申请金额 · Price; the requested amount for venture"),
		"summary": str("")}),
	"Bid": object("", []string{"id", "tender_id", "org_id", "price_fen", "status", "version"}, jsonObject{
		"id": str(""), "tender_id": str(""), "org_id": str(""), "org_name": str(""), "lot_id": str(""), "price_fen": fen(""),
		"summary": str(""), "status": enum("", bidStatusEnum...), "version": integer("每次递交加一 · Bumped by each submit"),
		"submitted_at": orNull(dateTime("")), "qualification_reason": str(""), "content_sha256": str(""),
		"created_at": dateTime(""), "updated_at": dateTime(""),
	}),
	"BidList": listOf("Bid"),
	"Receipt": object("平台签名的递交回执 · Signed submission receipt", []string{"bid_id", "tender_id", "version", "submitted_at",
		"content_sha256", "signature", "key_id"}, jsonObject{
		"bid_id": str(""), "tender_id": str(""), "version": integer(""), "submitted_at": str("请求到达平台的时刻（数据库时钟），截止规则据此判断；RFC 3339，纳秒，UTC · When the request reached the portal, on the database clock: what the deadline rule judges"),
		"content_sha256": str(""), "signature": str("Ed25519 签名（base64） · Ed25519 signature, base64"), "key_id": str(""),
	}),
	"SubmitResult": object("", []string{"bid", "receipt"}, jsonObject{"bid": ref("Bid"), "receipt": ref("Receipt")}),
	"QualifyRequest": strict("", []string{"qualified"}, jsonObject{"qualified": boolean(""),
		"reason": str("不合格时必填 · Required when disqualified")}),
	"QualifyResult": object("", []string{"bid", "tender_status"}, jsonObject{"bid": ref("Bid"),
		"tender_status": enum("合格数不足时为 failed · failed when too few qualify", tenderStatusEnum...)}),
	"Opening": object("开标记录 · Opening record", []string{"tender_id", "opened_at", "outcome", "bids"}, jsonObject{
		"tender_id": str(""), "opened_at": dateTime(""), "outcome": enum("", "evaluating", "failed"),
		"bids": arrayOf(ref("OpeningBid")),
		"lots": arrayOf(object("按标包分组 · Grouped by lot", []string{"lot_id", "title", "outcome", "bids"}, jsonObject{
			"lot_id": str(""), "title": str(""), "outcome": enum("", "evaluating", "failed"), "bids": arrayOf(ref("OpeningBid")),
		})),
		"opening_sha256": str("H(按 bid_id 排序的 bid_id|content_sha256 各行以换行连接) · H of the sorted lines bid_id|content_sha256 joined by newlines"),
	}),
	"OpeningBid": object("", []string{"bid_id", "org_id", "org_name", "price_fen", "content_sha256"}, jsonObject{
		"bid_id": str(""), "org_id": str(""), "org_name": str(""), "lot_id": str("标包，无标包为空 · Lot, empty without lots"),
		"price_fen": fen(""), "submitted_at": dateTime(""), "version": integer(""), "content_sha256": str(""),
		"facts": orNull(object("提交时冻结的组织事实 · The organization's facts frozen at submission", nil, jsonObject{
			"type": str(""), "registration": str(""), "social_workers": integer(""), "community": str(""),
		})),
	}),
	"Lot": object("标包 · Lot", []string{"id", "title", "budget_fen"}, jsonObject{
		"id": str("如 l1（服务器分配） · e.g. l1, assigned"), "title": str(""), "budget_fen": fen("标包预算 · Lot budget"),
		"community_id": orNull(str("服务社区，空为项目的 · Community served, null: the tender's")),
		"community":    str("社区名称（可代替 community_id） · Its registered name (in place of community_id)"),
		"status":       enum("标包状态（只读） · Lot status (read-only)", "open", "evaluating", "failed", "awarded", "completed", "cancelled"),
	}),
	"ReceiptKey": object("", []string{"algorithm", "key_id", "public_key"}, jsonObject{
		"algorithm": enum("", "Ed25519"), "key_id": str(""), "public_key": str("base64"), "signed_fields": str(""),
	}),

	"PanelRequest": strict("抽取人数，或指定专家并说明理由（公开风险提示） · A size to draw, or named evaluators with a reason (a public red flag)", nil, jsonObject{
		"size": integer(""), "evaluator_ids": arrayOf(str("")), "reason": str("指定而不随机抽取的理由 · Why named, not drawn"),
	}),
	"Panel": object("", []string{"members"}, jsonObject{"members": arrayOf(object("", []string{"evaluator_id", "name"}, jsonObject{
		"evaluator_id": str(""), "name": str(""), "active": boolean("未回避 · Not recused"), "declared": boolean(""),
		"conflict": boolean(""), "note": str(""), "submitted_at": orNull(dateTime("")), "submitted": boolean(""),
	})), "appointments": arrayOf(ref("PanelAppointment"))}),
	"PanelAppointment": object("指定（不随机抽取）的评审专家 · Evaluators named, not drawn", []string{"evaluator_ids", "reason"}, jsonObject{
		"evaluator_ids": arrayOf(str("")), "reason": str(""), "created_at": dateTime(""),
	}),
	"Draws": object("可复算的抽取记录 · Verifiable draws", []string{"r", "draw_commitment", "opening_sha256", "draws"}, jsonObject{
		"r":               str("发布时生成的秘密随机数（64位十六进制），成交后公开 · The secret drawn at publication (64 hex digits), public after award"),
		"draw_commitment": str("H(r)"),
		"opening_sha256":  str("开标记录的 opening_sha256 · opening_sha256 of the opening record"),
		"draws": arrayOf(object("seed = H(r|opening_sha256|purpose|n)；候选按 H(seed|id) 升序，先 preferred 后 others · candidates ordered by H(seed|id), preferred first",
			[]string{"purpose", "n", "preferred", "others", "chosen"}, jsonObject{
				"purpose": enum("", "panel", "tie", "claim"), "n": integer("从1起 · from 1"),
				"preferred": arrayOf(str("")), "others": arrayOf(str("")), "chosen": arrayOf(str("")),
			})),
		"appointments": arrayOf(ref("PanelAppointment")),
	}),
	"MyPanelList": listOf("MyPanel"),
	"MyPanel": object("", []string{"tender_id", "code", "title", "status"}, jsonObject{
		"tender_id": str(""), "code": str(""), "title": str(""), "status": enum("", tenderStatusEnum...),
		"active": boolean(""), "declared": boolean(""), "conflict": boolean(""), "submitted": boolean(""),
	}),
	"DeclarationRequest": strict("", []string{"conflict"}, jsonObject{"conflict": boolean("true 则回避 · true recuses"), "note": str("")}),
	"ScoresRequest": strict("", []string{"scores"}, jsonObject{"scores": arrayOf(strict("", []string{"criterion_id", "score"}, jsonObject{
		"criterion_id": str(""), "score": number("0 ≤ 分 ≤ 满分，至多两位小数 · at most 2 decimals"), "comment": str(""),
	}))}),
	"ScoreList": object("", []string{"items"}, jsonObject{
		"items": arrayOf(object("", []string{"evaluator_id", "bid_id", "criterion_id", "score"}, jsonObject{
			"evaluator_id": str(""), "evaluator_name": str(""), "bid_id": str(""), "criterion_id": str(""),
			"score": number(""), "comment": str(""),
		})),
		"own_only":    boolean("尚有专家未提交，仅见本人评分 · Only my own until all have submitted"),
		"next_cursor": orNull(str("下一页游标，无则为 null（评分后的回答为本人全部评分） · Cursor of the next page, or null (after scoring: all of one's own)")),
	}),
	"Evaluation": object("评审结果 · Evaluation results", []string{"tender_id", "complete", "method", "items"}, jsonObject{
		"tender_id": str(""), "complete": boolean(""), "method": enum("", "comprehensive", "lowest_price"),
		"criteria": arrayOf(ref("Criterion")),
		"items": arrayOf(object("", []string{"bid_id", "org_id", "org_name", "price_fen", "total", "rank"}, jsonObject{
			"bid_id": str(""), "org_id": str(""), "org_name": str(""), "price_fen": fen(""),
			"evaluated_price_fen": fen("评审价（本社区扣除后） · Evaluated price"),
			"criteria":            arrayOf(object("", nil, jsonObject{"criterion_id": str(""), "score": number("")})),
			"quality_total":       number(""), "price_score": number(""), "total": number(""),
			"rank": integer("并列同名次 · Ties share a rank"), "flags": orNull(arrayOf(str(""))),
		})),
		"spread_flags": orNull(arrayOf(object("评分差异过大 · Wide score spread", nil, jsonObject{
			"bid_id": str(""), "criterion_id": str(""), "min": number(""), "max": number(""),
		}))),
	}),
	"Recommendation": object("", []string{"bid_ids", "publicity_ends_at"}, jsonObject{
		"bid_ids": arrayOf(str("")), "tie_candidates": arrayOf(str("并列第一时参与随机抽取的投标 · Tie draw candidates")),
		"publicity_ends_at": dateTime("最早公示截止 · Earliest end of publicity"),
	}),
	"AwardRequest": strict("", []string{"bid_ids", "publicity_ends_at"}, jsonObject{
		"bid_ids": arrayOf(str("")), "publicity_ends_at": dateTime(""),
		"reason": str("未采纳推荐结果或单一来源采购时必填 · Required when differing from the recommendation, and for a single-source purchase"),
	}),
	"Award": object("", []string{"id", "tender_id", "bid_id", "org_id", "amount_fen", "status"}, jsonObject{
		"id": str(""), "tender_id": str(""), "bid_id": str(""), "org_id": str(""), "org_name": str(""),
		"amount_fen": fen(""), "status": enum("", "active", "revoked", "completed"),
		"publicity_ends_at": dateTime(""), "reason": str(""), "created_at": dateTime(""), "updated_at": dateTime(""),
	}),
	"AwardList": listOf("Award"),
	"AwardsMade": object("本次确定的成交（不分页） · The awards just made (not a page)", []string{"items"}, jsonObject{
		"items": arrayOf(ref("Award")),
	}),
	"Objection": object("", []string{"id", "tender_id", "org_id", "text", "status"}, jsonObject{
		"id": str(""), "tender_id": str(""), "org_id": str(""), "text": str(""),
		"status": enum("", "pending", "upheld", "rejected"), "response": str(""),
		"created_at": dateTime(""), "resolved_at": orNull(dateTime("")),
	}),
	"ObjectionList": listOf("Objection"),
	"ResolveRequest": strict("", []string{"upheld", "response"}, jsonObject{
		"upheld": boolean("成立则撤销成交、重新评审 · Upheld revokes the award"), "response": str(""),
	}),
	"PerformanceRequest": strict("", []string{"score"}, jsonObject{"score": integer("0–100"), "comment": str("")}),
	"Performance": object("", []string{"award_id", "score"}, jsonObject{
		"award_id": str(""), "score": integer(""), "comment": str(""), "created_at": dateTime(""),
	}),
	"Calendar": object("", []string{"year", "holidays", "workdays"}, jsonObject{
		"year": integer(""), "holidays": arrayOf(date("")), "workdays": arrayOf(date("调休上班日 · Make-up working day")),
	}),
	"CalendarRequest": strict("", nil, jsonObject{"holidays": arrayOf(date("")), "workdays": arrayOf(date(""))}),

	"CreditProfile": object("信用档案（不含联系电话） · Credit profile (never the phone)", []string{"id", "name", "type", "status"}, jsonObject{
		"id": str(""), "name": str(""), "type": enum("", orgTypeEnum...), "registration": enum("", registrationEnum...),
		"community": str(""), "assessment_grade": orNull(str("")), "status": enum("", "pending", "approved", "rejected", "suspended"),
		"social_workers": integer(""), "bids_count": integer(""), "awards_count": integer(""),
		"awarded_fen_total": fen("成交金额合计 · Total awarded"), "performance_avg": orNull(number("履约评价均分 · Mean performance score")),
		"feedback_avg": orNull(number("居民评价均分 · Mean residents' rating")),
		"sanctions": orNull(arrayOf(object("失信记录 · Sanction", []string{"reason", "at"}, jsonObject{
			"reason": str(""), "at": dateTime(""), "lifted_at": orNull(dateTime("")),
		}))),
	}),
	"CreditProfilePage": listOf("CreditProfile"),
	"FeedbackRequest": strict("", []string{"rating"}, jsonObject{"rating": integer("1–5 星 · stars"),
		"comment": str("至多 1000 字，审核后公开 · At most 1000 characters, public once approved")}),
	"FeedbackReceipt": object("", []string{"id", "status"}, jsonObject{"id": str(""), "status": enum("", "pending", "approved", "rejected")}),
	"Feedback": object("居民评价 · Feedback", []string{"id", "tender_id", "rating", "comment"}, jsonObject{
		"id": str(""), "tender_id": str(""), "tender_code": str(""), "tender_title": str(""), "rating": integer(""),
		"comment": str(""), "status": enum("", "pending", "approved", "rejected"), "created_at": dateTime(""),
	}),
	"FeedbackList": listOf("Feedback"),
	"TenderFeedback": object("", []string{"average", "count", "items", "next_cursor"}, jsonObject{
		"average": orNull(number("评分均值（驳回的除外） · Mean rating, rejected ones excluded")), "count": integer(""),
		"items":       arrayOf(ref("Feedback")),
		"next_cursor": orNull(str("下一页游标，无则为 null · Cursor of the next page, or null")),
	}),
	"StatGroup": object("", []string{"key", "count", "budget_fen", "awarded_fen"}, jsonObject{
		"key": str(""), "count": integer(""), "budget_fen": fen(""), "awarded_fen": fen(""),
	}),
	"Stats": object("按状态、类型、资金来源、社区的数量与金额（不含草稿） · Counts and amounts by status, kind, funding source, community (no drafts)",
		[]string{"totals", "by_status", "by_kind", "by_funding_source", "by_community"}, jsonObject{
			"totals": ref("StatGroup"), "by_status": arrayOf(ref("StatGroup")), "by_kind": arrayOf(ref("StatGroup")),
			"by_funding_source": arrayOf(ref("StatGroup")), "by_community": arrayOf(ref("StatGroup")),
			"communities": orNull(arrayOf(object("社区指标 · Community indicators", nil, jsonObject{
				"community": str(""), "approved_orgs": integer(""), "target_orgs": integer(""), "meets_org_target": boolean(""),
				"orgs_with_social_workers": integer(""), "has_social_worker": boolean(""),
				"funded_services": orNull(arrayOf(object("", nil, jsonObject{"category": str(""), "count": integer(""), "amount_fen": fen("")}))),
			}))),
			"red_flags":  object("各类风险提示的项目数 · Tenders per red flag", nil, jsonObject{}),
			"indicators": arrayOf(ref("CommunityIndicators")),
		}),
	ocdsJSON: object("OCDS 1.1 发布包，见 release-package-schema.json · OCDS 1.1 release package",
		[]string{"uri", "version", "publishedDate", "publisher", "releases"}, jsonObject{
			"uri": str(""), "version": enum("", "1.1"), "publishedDate": dateTime(""),
			"publisher": object("", []string{"name"}, jsonObject{"name": str("")}),
			"releases":  arrayOf(object("OCDS release", []string{"ocid", "id", "date", "tag", "initiationType"}, jsonObject{})),
			"links":     object("还有更多发布时给出 · Present when more releases follow", nil, jsonObject{"next": str("")}),
		}),

	"AuditEntry": object("", []string{"id", "stream", "seq", "action", "at", "hash"}, jsonObject{
		"id": integer(""), "stream": str("如 tender:<id> · e.g. tender:<id>"), "seq": integer(""),
		"actor_id": str(""), "actor_role": str(""), "action": str(""), "entity": str(""), "entity_id": str(""),
		"at": dateTime(""), "details": jsonObject{}, "prev_hash": str(""), "hash": str(""),
	}),
	"AuditPage": listOf("AuditEntry"),
	"Checkpoint": object("", []string{"seq", "at", "head_sha256", "signature"}, jsonObject{
		"seq": integer("检查点序号 · Checkpoint number"), "at": dateTime(""),
		"head_sha256": str("检查点链的链头，见 docs/VERIFY.md · Head of the checkpoint chain, see docs/VERIFY.md"),
		"heads": arrayOf(object("仅管理员、审计可见 · Bureau and auditors only", []string{"stream", "seq", "hash"}, jsonObject{
			"stream": str(""), "seq": integer(""), "hash": str("")})),
		"signature": str(`回执密钥对 "lsmz-checkpoint|"+seq+"|"+head_sha256 的 Ed25519 签名（base64） · Ed25519 signature by the receipt key of "lsmz-checkpoint|"+seq+"|"+head_sha256 (base64)`),
	}),
	"CheckpointPage": listOf("Checkpoint"),
	"AuditReport": object("", []string{"ok", "entries", "first_bad_id"}, jsonObject{
		"ok": boolean(""), "entries": integer(""), "checkpoints": integer(""), "first_bad_id": orNull(integer("")),
		"problem": str(""),
	}),
}

func queryParam(name, desc string, schema jsonObject) jsonObject {
	return jsonObject{"name": name, "in": "query", "description": desc, "schema": schema}
}

// apiParameters are the documented query parameters; their keys are what apiRoute.query names.
var apiParameters = map[string]jsonObject{
	"limit":           queryParam("limit", "每页条数 · Page size", jsonObject{"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
	"cursor":          queryParam("cursor", "上一页的 next_cursor · next_cursor of the previous page", str("")),
	"audit_cursor":    queryParam("cursor", "上一页的 next_cursor（条目编号） · next_cursor (an entry id)", str("")),
	"q":               queryParam("q", "关键词（中文子串可用） · Search text (Chinese substrings work)", str("")),
	"community":       queryParam("community", "社区 · Community", str("")),
	"kind":            queryParam("kind", "", enum("", "purchase", "venture")),
	"catalog_item_id": queryParam("catalog_item_id", "", str("")),
	"procedure":       queryParam("procedure", "采购方式（§7.3；claim 为服务认领） · Procedure (§7.3; claim: services to claim)", enum("", procedureEnum...)),
	"tender_status":   queryParam("status", "", enum("", tenderStatusEnum...)),
	"org_status":      queryParam("status", "", enum("", "pending", "approved", "rejected", "suspended")),
	"org_type":        queryParam("type", "", enum("", orgTypeEnum...)),
	"feedback_status": queryParam("status", "", enum("", "pending", "approved", "rejected")),
	"grade":           queryParam("grade", "评估等级 · Assessment grade", enum("", "1A", "2A", "3A", "4A", "5A")),
	"need_status":     queryParam("status", "", enum("", "submitted", "accepted", "declined", "listed", "fulfilled")),
	"plan_status":     queryParam("status", "", enum("", "draft", "published", "tendered", "completed", "dropped")),
	"community_id":    queryParam("community_id", "社区 · Community id", str("")),
	"project_item_id": queryParam("project_item_id", "清单项目 · Project-list item id", str("")),
	"funding_source":  queryParam("funding_source", "", enum("", fundingEnum...)),
	"year":            queryParam("year", "年度（默认本年） · Year (default: this year)", integer("")),
	"quarter":         queryParam("quarter", "计划季度 · Planned quarter", jsonObject{"type": "integer", "minimum": 1, "maximum": 4}),
	"town":            queryParam("town", "乡镇（街道） · Town", str("")),
	"community_kind":  queryParam("kind", "", enum("", "urban", "rural")),
	"all":             queryParam("all", "管理员：含停用项 · Admin: include inactive items", boolean("")),
	"stream":          queryParam("stream", "如 tender:<id> · e.g. tender:<id>", str("")),
	"entity":          queryParam("entity", "tender、bid、organization、user…", str("")),
	"entity_id":       queryParam("entity_id", "", str("")),
	"since":           queryParam("since", "只返回此时间之后的发布（不含） · Releases after this time (exclusive)", dateTime("")),
	"cp_since":        queryParam("since", "只返回此序号之后的检查点（不含）；下一页传 next_cursor · Checkpoints after this seq (exclusive); next page: pass next_cursor", integer("")),
	"ocds_limit":      queryParam("limit", "每页发布数 · Releases per page", jsonObject{"type": "integer", "minimum": 1, "maximum": 500, "default": 500}),
	"ocds_cursor":     queryParam("cursor", "links.next 中的游标 · Cursor from links.next", str("")),
	"tender_id":       queryParam("tender_id", "", str("")),
	"org_id":          queryParam("org_id", "承接组织 · Contractor", str("")),
	"contract_status": queryParam("status", "", enum("", contractStatusEnum...)),
	"ledger_year":     queryParam("year", "服务期开始的年度，默认今年 · Year the service period starts, default this year", integer("")),
	"lot_id":          queryParam("lot_id", "标包：分标包的项目必填，不分标包的项目不可填 · Lot: required where the tender has lots, refused where it has none", str("")),
	"xlsx_lang":       queryParam("lang", "表名与表头的语言（界面语言）：en 或 en-* 为英文，其余为中文 · Language of the sheet names and headings (the UI's): en or en-* English, anything else Chinese", str("")),
}

// errorResponses are the shared problem answers, by status.
var errorResponses = map[int]string{
	400: "请求体不是有效的 JSON · invalid_json",
	401: "未登录或令牌无效 · unauthenticated",
	403: "无权访问，或投标尚未开标 · forbidden, sealed",
	404: "不存在，或无权知道其存在 · not_found",
	409: "状态不允许、重复或已过截止时间 · invalid_state, conflict, deadline_passed",
	413: "请求内容过大 · payload_too_large",
	415: "不支持的内容类型 · unsupported_media_type",
	422: "字段校验失败或不符合投标资格 · validation_failed, not_eligible",
	429: "请求过于频繁 · rate_limited",
	503: "对象存储不可用，或系统繁忙（请按 Retry-After 稍后重试） · storage_unavailable, overloaded",
}

var pathParam = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

// openAPIDocument builds the document from the tables above.
func openAPIDocument() jsonObject {
	problem := jsonObject{"application/problem+json": jsonObject{"schema": ref("Problem")}}
	responses := jsonObject{"Problem": jsonObject{"description": "错误 · Error (RFC 9457)", "content": problem}}
	for status, desc := range errorResponses {
		responses["Problem"+strconv.Itoa(status)] = jsonObject{"description": desc, "content": problem}
	}
	params := jsonObject{}
	for k, v := range apiParameters {
		params[k] = v
	}
	schemas := jsonObject{}
	for k, v := range apiSchemas {
		schemas[k] = v
	}

	paths := jsonObject{}
	for _, r := range apiRoutes {
		item, _ := paths[r.path].(jsonObject)
		if item == nil {
			item = jsonObject{}
			paths[r.path] = item
		}
		item[strings.ToLower(r.method)] = r.operation()
	}
	tags := make([]any, 0, len(apiTags))
	for _, t := range apiTags {
		tags = append(tags, jsonObject{"name": t.name, "description": t.zh + " · " + t.en})
	}
	return jsonObject{
		"openapi": "3.1.0",
		"info": jsonObject{
			"title":   "临沭县社区服务采购平台 API · Linshu community services procurement portal API",
			"version": "1.0.0",
			"description": "JSON，snake_case；金额为整数分（_fen，1 元 = 100 分）；时间为 RFC 3339；列表用 ?limit=（默认 20，最多 100）与 " +
				"?cursor=，返回 {items, next_cursor}；错误为 RFC 9457 application/problem+json，code 见 Problem。" +
				"登录后以 Authorization: Bearer <access_token> 调用。写请求可带 Idempotency-Key 头，重试返回首次结果。\n\n" +
				"JSON in snake_case; money in integer fen; times RFC 3339; lists take ?limit= and ?cursor= and answer " +
				"{items, next_cursor}; errors are RFC 9457 problems with a `code`. Send Authorization: Bearer <access_token> " +
				"after logging in. Writes may carry an Idempotency-Key header: a retry returns the first answer.",
		},
		"servers": []any{jsonObject{"url": "/", "description": "本平台 · This portal"}},
		"tags":    tags,
		"paths":   paths,
		"components": jsonObject{
			"schemas":    schemas,
			"responses":  responses,
			"parameters": params,
			"securitySchemes": jsonObject{"bearerAuth": jsonObject{"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
				"description": "POST /api/v1/auth/login 返回的 access_token（15 分钟） · The access_token from login (15 minutes)"}},
		},
	}
}

// operation is the OpenAPI operation object of r.
func (r apiRoute) operation() jsonObject {
	op := jsonObject{
		"tags":        []string{r.tag},
		"summary":     r.summary,
		"operationId": operationID(r.method, r.path),
	}
	var roleNames []string
	switch {
	case r.who.ops:
		op["security"] = []any{}
		roleNames = []string{"public"}
	case !r.who.login:
		// Anonymous callers are welcome; a token, when sent, is honoured.
		op["security"] = []any{jsonObject{}, jsonObject{"bearerAuth": []string{}}}
		roleNames = []string{"public"}
	default:
		op["security"] = []any{jsonObject{"bearerAuth": []string{}}}
		roleNames = []string{"any user"}
		if len(r.who.roles) > 0 {
			roleNames = roleNames[:0]
			for _, role := range r.who.roles {
				roleNames = append(roleNames, string(role))
			}
		}
	}
	op["x-roles"] = roleNames
	op["description"] = "访问 · Access: " + strings.Join(roleNames, ", ")

	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
		params = append(params, jsonObject{"name": m[1], "in": "path", "required": true, "schema": str("")})
	}
	for _, q := range r.query {
		params = append(params, jsonObject{"$ref": "#/components/parameters/" + q})
	}
	if params != nil {
		op["parameters"] = params
	}

	switch r.body {
	case "":
	case fileBody:
		op["requestBody"] = jsonObject{"required": true, "content": jsonObject{
			"multipart/form-data": jsonObject{"schema": ref("FileUpload")}}}
	default:
		op["requestBody"] = jsonObject{"required": true, "content": jsonObject{
			"application/json": jsonObject{"schema": ref(r.body)}}}
	}

	responses := jsonObject{strconv.Itoa(r.status): successResponse(r)}
	problem := func(status int) {
		responses[strconv.Itoa(status)] = jsonObject{"$ref": "#/components/responses/Problem" + strconv.Itoa(status)}
	}
	if r.who.login {
		problem(401)
		problem(403)
	}
	if strings.Contains(r.path, "{") {
		problem(404)
	}
	if r.body != "" {
		problem(422)
		if r.body == fileBody {
			problem(413)
			problem(415)
		} else {
			problem(400)
		}
	}
	if r.method != http.MethodGet {
		problem(409)
	}
	if r.query != nil {
		problem(422)
	}
	if strings.HasPrefix(r.path, apiV1) {
		problem(503) // every API request may wait its turn too long (overloaded)
	}
	responses["default"] = jsonObject{"$ref": "#/components/responses/Problem"}
	op["responses"] = responses
	return op
}

func successResponse(r apiRoute) jsonObject {
	media := func(mt string, schema jsonObject) jsonObject {
		return jsonObject{"description": "成功 · OK", "content": jsonObject{mt: jsonObject{"schema": schema}}}
	}
	switch r.result {
	case noContent:
		return jsonObject{"description": "成功，无内容 · Done, no content"}
	case binary:
		return media("application/octet-stream", jsonObject{"type": "string", "contentMediaType": "application/octet-stream"})
	case xlsx:
		return media("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", jsonObject{"type": "string"})
	case htmlPage:
		return media("text/html", str(""))
	case script:
		return media("text/javascript", str(""))
	case plainText:
		return media("text/plain", str("Prometheus text format"))
	case robotsTxt:
		return media("text/plain", str("robots.txt (RFC 9309)"))
	case xmlDoc:
		return media("application/xml", str("sitemap protocol 0.9"))
	}
	return media("application/json", ref(r.result))
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

// operationID names an operation after its method and path, e.g. post_tenders_id_publish.
func operationID(method, path string) string {
	p := strings.TrimPrefix(path, apiV1)
	return strings.ToLower(method) + strings.TrimRight(nonWord.ReplaceAllString(p, "_"), "_")
}

// openAPI serves the OpenAPI document. It is generated on each request from
// the tables above (a fraction of a millisecond), so no state is kept.
func (a *API) openAPI(c *fiber.Ctx) error {
	b, err := jsonMarshal(openAPIDocument())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Type("json", "utf-8")
	return c.Send(b)
}

//go:embed apidocs.html
var apiDocsHTML []byte

//go:embed apidocs.js
var apiDocsJS []byte

// apiDocs serves the browsable documentation page; its script is /api/docs.js (CSP: script-src 'self').
func (a *API) apiDocs(c *fiber.Ctx) error {
	c.Type("html", "utf-8")
	return c.Send(apiDocsHTML)
}

func (a *API) apiDocsScript(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	return c.Send(apiDocsJS)
}
