package handlers

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/tender"
)

// xlsxText is a spreadsheet's wording in the UI's language: the evaluation's
// 评分汇总表 and the contract ledger are downloaded in the language the UI
// shows, which the client sends as ?lang= (zh-CN, the default, or en); the
// content (titles, names, comments) stays as it was entered.
type xlsxText struct {
	en bool
}

// xlsxLanguage reads ?lang=: "en" (or en-US, en-GB…) for English, anything
// else Chinese. The browser's Accept-Language is not used: the UI's language
// is the reader's choice and may differ from the browser's.
func xlsxLanguage(c *fiber.Ctx) xlsxText {
	l := strings.ToLower(c.Query("lang"))
	return xlsxText{en: l == "en" || strings.HasPrefix(l, "en-")}
}

// pick returns zh or en.
func (x xlsxText) pick(zh, en string) string {
	if x.en {
		return en
	}
	return zh
}

func (x xlsxText) contractStatus(s tender.ContractStatus) string {
	zh := map[tender.ContractStatus]string{tender.ContractDrafted: "待签订", tender.ContractActive: "履行中",
		tender.ContractSuspended: "已暂停", tender.ContractCompleted: "已完成", tender.ContractTerminated: "已终止"}
	en := map[tender.ContractStatus]string{tender.ContractDrafted: "To be signed", tender.ContractActive: "In force",
		tender.ContractSuspended: "Suspended", tender.ContractCompleted: "Completed", tender.ContractTerminated: "Terminated"}
	return x.pick(zh[s], en[s])
}

// funding names a funding source; in Chinese as the OCDS budget does (fundingText).
func (x xlsxText) funding(f tender.FundingSource) string {
	en := map[tender.FundingSource]string{tender.FundingFiscal: "Fiscal budget", tender.FundingWelfareLottery: "Welfare lottery fund",
		tender.FundingCharity: "Charity funds", tender.FundingSocial: "Social funds"}
	return x.pick(fundingText(f), en[f])
}

func (x xlsxText) grade(g tender.Grade) string {
	en := map[tender.Grade]string{tender.GradeExcellent: "Excellent", tender.GradeGood: "Good", tender.GradePass: "Pass", tender.GradeFail: "Fail"}
	return x.pick(tender.GradeLabel[g], en[g])
}

// flag is a bid's warning in the summary's last column.
func (x xlsxText) flag(f string) string {
	switch f {
	case tender.FlagAbnormallyLowPrice:
		return x.pick("报价明显低于其他报价；", "Price markedly below the others; ")
	case tender.FlagScoreSpread:
		return x.pick("评分差异较大；", "Scores differ widely; ")
	}
	return ""
}

// criterion is a criterion's column heading with its maximum.
func (x xlsxText) criterion(name string, max int64) string {
	if x.en {
		return fmt.Sprintf("%s (%d pts)", name, max)
	}
	return fmt.Sprintf("%s（%d分）", name, max)
}
