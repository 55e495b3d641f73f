package handlers

// contractSchemas are the bodies of the contract routes (SPEC §7.5–7.6),
// merged into apiSchemas.
func contractSchemas() map[string]jsonObject {
	milestoneInput := jsonObject{
		"title": str("节点名称 · Title"), "due_date": date("报告截止日 · Report due"),
		"payment_pct": integer("付款比例，合计 100 · Payment share in %, summing to 100"),
		"report":      enum("progress 进度报告；mid_term 中期；final 结项", "progress", "mid_term", "final"),
	}
	milestone := jsonObject{"id": str(""), "contract_id": str(""), "seq": integer(""), "status": enum("", milestoneStatusEnum...),
		"reason": str("退回理由 · Why the report was returned"), "share_fen": fen("本节点应付 · This milestone's share"),
		"paid_fen": fen("本节点已付 · Paid on it"), "overdue": boolean("报告逾期 · Report overdue")}
	for k, v := range milestoneInput {
		milestone[k] = v
	}
	criterion := object("评估指标 · Evaluation criterion", []string{"name", "max_score"}, jsonObject{
		"id": str(""), "name": str(""), "max_score": integer("分值，合计 100 · Points, summing to 100")})
	serviceRecord := object("服务记录 · Service record", nil, jsonObject{
		"period_start": date(""), "period_end": date(""), "beneficiaries": integer("受益人次 · Beneficiaries"),
		"activities": integer("活动次数 · Activities"), "social_workers": integer("参与社工 · Social workers"),
		"volunteers": arrayOf(object("", []string{"id_hash", "hours"}, jsonObject{
			"id_hash": str("志愿者注册号的 SHA-256（客户端计算） · SHA-256 of the registration number, computed by the client"),
			"hours":   number("服务时长 · Hours")})),
	})
	payment := object("付款 · Payment", []string{"id", "milestone_id", "amount_fen", "paid_at"}, jsonObject{
		"id": str(""), "contract_id": str(""), "milestone_id": str(""), "amount_fen": fen("金额 · Amount"),
		"paid_at": date("付款日期 · Date paid"), "document_id": str("付款凭证（仅合同双方可见） · Voucher (parties only)"),
		"created_at": dateTime(""),
	})
	report := object("履约报告 · Report", []string{"id", "milestone_id", "status"}, jsonObject{
		"id": str(""), "milestone_id": str(""), "text": str("正文（公众不可见） · Text (not public)"),
		"document_ids": arrayOf(str("")), "documents": arrayOf(ref("Document")),
		"period_start": date(""), "period_end": date(""), "beneficiaries": integer(""), "activities": integer(""),
		"social_workers": integer(""), "volunteer_hours": number(""), "volunteer_count": integer(""),
		"volunteers": arrayOf(object("", nil, jsonObject{"id_hash": str(""), "hours": number("")})),
		"status":     enum("", "submitted", "accepted", "returned"), "reason": str(""),
		"submitted_at": dateTime(""), "decided_at": orNull(dateTime("")),
	})
	evaluation := object("履约评估 · Contract evaluation round", []string{"complete", "criteria"}, jsonObject{
		"id": str(""), "contract_id": str(""), "milestone_id": str(""), "round": integer("第几轮（整改后复评为 2） · Round (2: after rectification)"),
		"panel_size": integer(""), "status": enum("", "scoring", "complete"), "complete": boolean(""),
		"total": orNull(number("总分 · Total")), "grade": orNull(enum("excellent 优秀；good 良好；pass 合格；fail 不合格", "excellent", "good", "pass", "fail")),
		"grade_label": str(""), "completed_at": orNull(dateTime("")),
		"rectification_due": orNull(date("整改期限（中期不合格） · Rectification due (failing mid-term)")),
		"criteria": arrayOf(object("", []string{"criterion_id", "name", "max_score"}, jsonObject{
			"criterion_id": str(""), "name": str(""), "max_score": integer(""), "score": orNull(number(""))})),
		"rounds": arrayOf(jsonObject{"type": "object"}), "created_at": dateTime(""),
	})
	contract := object("合同 · Contract", []string{"id", "award_id", "tender_id", "org_id", "amount_fen", "period_start",
		"period_end", "status", "milestones", "criteria", "payments", "payments_fen_total"}, jsonObject{
		"id": str(""), "award_id": str(""), "tender_id": str(""), "tender_code": str(""), "tender_title": str(""),
		"kind": enum("", "purchase", "venture"), "lot_id": orNull(str("标包 · Lot")), "org_id": str(""), "org_name": str(""),
		"amount_fen": fen("合同金额 · Amount"), "period_start": date(""), "period_end": date(""),
		"status": enum("", contractStatusEnum...), "status_reason": str("暂停、终止理由 · Why suspended or terminated"),
		"awarded_at": dateTime("成交通知 · Award notice"), "signed_on": orNull(date("合同签订日期 · Date on the contract")),
		"signed_at": orNull(dateTime("登记公开时间 · Recorded and published")), "document_id": orNull(str("合同文本 · Signed contract")),
		"milestones": arrayOf(object("履约节点 · Milestone", []string{"id", "title", "due_date", "payment_pct", "report", "status"}, milestone)),
		"criteria":   arrayOf(criterion), "payments": arrayOf(payment), "payments_fen_total": fen("已付合计 · Paid in total"),
		"red_flags": arrayOf(enum("风险提示 · Red flag", "contract_signed_late", "contract_published_late", "panel_not_drawn")),
		"named_panels": arrayOf(object("指定（不随机抽取）的评估专家 · Evaluators named, not drawn", []string{"milestone_id", "reason", "created_at"}, jsonObject{
			"milestone_id": str(""), "reason": str("指定的理由（公开） · Why named (public)"), "created_at": dateTime(""),
			"evaluator_ids": arrayOf(str("合同结束后公开 · Public once the contract has ended"))})),
		"reports": arrayOf(report), "created_at": dateTime(""), "updated_at": dateTime(""),
		"draw_commitment": str("评估专家抽取承诺值 H(r) · Commitment of the panel draws"),
		"draw_r":          str("合同结束后公布的 r · r, published once the contract has ended"),
	})
	return map[string]jsonObject{
		"Contract":     contract,
		"ContractPage": listOf("Contract"),
		"MilestonesRequest": strict("履约节点（及评估指标） · Milestones (and evaluation criteria)", []string{"milestones"}, jsonObject{
			"milestones": arrayOf(strict("", []string{"title", "due_date", "payment_pct", "report"}, milestoneInput)),
			"criteria":   arrayOf(criterion)}),
		"SignRequest": strict("", []string{"document_id"}, jsonObject{
			"document_id": str("已上传的合同文本 · The uploaded signed contract"),
			"signed_on":   date("合同上的签订日期，默认今天 · Date on the contract, default today")}),
		"ReportRequest": strict("", []string{"text", "service_record"}, jsonObject{
			"text": str(""), "document_ids": arrayOf(str("本节点上传的文件 · Documents uploaded to this milestone")),
			"service_record": serviceRecord}),
		"Report": report,
		"PaymentRequest": strict("", []string{"milestone_id", "amount_fen", "paid_at", "document_id"}, jsonObject{
			"milestone_id": str(""), "amount_fen": fen("不超过本节点应付余额 · At most what is left of the share"),
			"paid_at": date(""), "document_id": str("付款凭证 · Voucher")}),
		"Payment":            payment,
		"ContractEvaluation": evaluation,
		"ContractScoresRequest": strict("", []string{"scores"}, jsonObject{"scores": arrayOf(strict("", []string{"criterion_id", "score"},
			jsonObject{"criterion_id": str(""), "score": number("0 至满分，最多两位小数 · 0 to max, 2 decimals"), "comment": str("")}))}),
		"ContractScoreList":   listOf("ContractScore"),
		"MyContractPanelList": listOf("MyContractPanel"),
		"MyContractPanel": object("我参加的履约评估 · A contract evaluation I sit on", []string{"evaluation_id", "contract_id", "milestone_id", "report", "round"}, jsonObject{
			"evaluation_id": str(""), "contract_id": str(""), "milestone_id": str(""), "milestone_title": str(""),
			"report": enum("", "mid_term", "final"), "round": integer("第几轮 · Round"), "evaluation_status": enum("", "scoring", "complete"),
			"contract_status": enum("", contractStatusEnum...), "tender_code": str(""), "tender_title": str(""), "org_name": str("承接组织 · Contractor"),
			"active": boolean(""), "declared": boolean(""), "conflict": boolean(""), "submitted": boolean(""), "created_at": dateTime(""),
		}),
		"ContractScore": object("", []string{"evaluator_id", "criterion_id", "score"}, jsonObject{
			"evaluator_id": str(""), "criterion_id": str(""), "score": number(""), "comment": str("")}),
	}
}

func init() {
	for k, v := range contractSchemas() {
		apiSchemas[k] = v
	}
	// The credit profile's delivery record (SPEC §5, §7.5).
	props := apiSchemas["CreditProfile"]["properties"].(jsonObject)
	props["contracts_completed"] = integer("完成的合同 · Contracts completed")
	props["average_grade"] = orNull(enum("结项评估平均等级 · Grade of the mean final score", "excellent", "good", "pass", "fail"))
	props["terminations_count"] = integer("终止的合同 · Contracts terminated")
	props["withheld_payments_count"] = integer("暂扣的尾款 · Final payments withheld")
	props["overdue_milestones_count"] = integer("逾期未报的履约报告 · Reports flagged overdue")
	props["credit_events"] = arrayOf(object("信用事件 · Credit event", []string{"kind", "reason", "at"}, jsonObject{
		"kind":   enum("", "final_evaluation_failed", "contract_terminated"),
		"reason": str(""), "at": dateTime(""), "contract_id": orNull(str("")),
	}))
}
