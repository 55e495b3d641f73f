package handlers

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// Problem is an RFC 9457 problem document with the SPEC's code and an i18n key.
type Problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail"`
	Code   string              `json:"code"`
	Key    string              `json:"key"`
	Errors []tender.FieldError `json:"errors"`
}

// statusOf maps each problem code to its HTTP status.
var statusOf = map[string]int{
	tender.CodeInvalidJSON:          http.StatusBadRequest,
	tender.CodeValidationFailed:     http.StatusUnprocessableEntity,
	tender.CodeUnauthenticated:      http.StatusUnauthorized,
	tender.CodeForbidden:            http.StatusForbidden,
	tender.CodeNotFound:             http.StatusNotFound,
	tender.CodeConflict:             http.StatusConflict,
	tender.CodeInvalidState:         http.StatusConflict,
	tender.CodeDeadlinePassed:       http.StatusConflict,
	tender.CodeNotEligible:          http.StatusUnprocessableEntity,
	tender.CodeSealed:               http.StatusForbidden,
	tender.CodePayloadTooLarge:      http.StatusRequestEntityTooLarge,
	tender.CodeUnsupportedMediaType: http.StatusUnsupportedMediaType,
	tender.CodeRateLimited:          http.StatusTooManyRequests,
	tender.CodeStorageUnavailable:   http.StatusServiceUnavailable,
	tender.CodeOverloaded:           http.StatusServiceUnavailable,
	tender.CodeInternal:             http.StatusInternalServerError,
}

// titleOf is each problem type's short title (RFC 9457 "title"), in Chinese like the details.
var titleOf = map[string]string{
	tender.CodeInvalidJSON:          "请求格式错误",
	tender.CodeValidationFailed:     "数据校验未通过",
	tender.CodeUnauthenticated:      "需要登录",
	tender.CodeForbidden:            "无权访问",
	tender.CodeNotFound:             "未找到",
	tender.CodeConflict:             "数据冲突",
	tender.CodeInvalidState:         "当前状态不允许此操作",
	tender.CodeDeadlinePassed:       "已过截止时间",
	tender.CodeNotEligible:          "不符合投标资格",
	tender.CodeSealed:               "投标文件密封中",
	tender.CodePayloadTooLarge:      "内容过大",
	tender.CodeUnsupportedMediaType: "不支持的文件类型",
	tender.CodeRateLimited:          "请求过于频繁",
	tender.CodeStorageUnavailable:   "文件存储暂不可用",
	tender.CodeOverloaded:           "系统繁忙",
	tender.CodeInternal:             "服务器内部错误",
}

// errorHandler is the one place where errors become responses.
func (a *API) errorHandler(c *fiber.Ctx, err error) error {
	var p Problem
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		p = fiberProblem(fe)
	default:
		err = storage.Classify(err)
		if e, ok := tender.AsError(err); ok {
			p = Problem{Status: statusOf[e.Code], Code: e.Code, Key: e.Key, Detail: e.Message, Errors: e.Fields}
			if p.Status == 0 {
				p.Status = http.StatusInternalServerError
			}
			if e.Code == tender.CodeStorageUnavailable {
				a.log.Warn("storage unavailable", "request_id", requestID(c), "error", err)
				c.Set(fiber.HeaderRetryAfter, "5")
			}
			if e.Code == tender.CodeOverloaded {
				c.Set(fiber.HeaderRetryAfter, "2")
			}
		} else {
			a.log.Error("internal error", "request_id", requestID(c), "method", c.Method(),
				"path", c.Path(), "error", err)
			p = Problem{Status: http.StatusInternalServerError, Code: tender.CodeInternal, Key: "internal",
				Detail: "服务器内部错误，请稍后重试；如持续出现请联系管理员并提供请求编号 " + requestID(c)}
		}
	}
	if p.Errors == nil {
		p.Errors = []tender.FieldError{}
	}
	p.Type = "urn:lsmz-portal:problem:" + p.Code
	p.Title = titleOf[p.Code]
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	if p.Key == "" {
		p.Key = p.Code
	}
	c.Status(p.Status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	if p.Status == http.StatusTooManyRequests && c.GetRespHeader(fiber.HeaderRetryAfter) == "" {
		c.Set(fiber.HeaderRetryAfter, "60")
	}
	b, merr := jsonMarshal(p)
	if merr != nil {
		return c.SendString(`{"code":"internal","status":500}`)
	}
	return c.Send(b)
}

// fiberProblem translates Fiber's own errors (unknown route, wrong method, body too large…).
func fiberProblem(fe *fiber.Error) Problem {
	p := Problem{Status: fe.Code, Detail: fe.Message}
	switch fe.Code {
	case http.StatusNotFound:
		p.Code, p.Key, p.Detail = tender.CodeNotFound, "route.not_found", "请求的地址不存在"
	case http.StatusMethodNotAllowed:
		// The SPEC's code list has no method_not_allowed: the route does not exist for this method.
		p.Code, p.Key, p.Detail = tender.CodeNotFound, "route.method_not_allowed", "该地址不支持此请求方法"
	case http.StatusRequestEntityTooLarge:
		p.Code, p.Key, p.Detail = tender.CodePayloadTooLarge, "payload_too_large", "请求内容过大"
	case http.StatusUnsupportedMediaType:
		p.Code, p.Key = tender.CodeUnsupportedMediaType, "unsupported_media_type"
	case http.StatusBadRequest:
		p.Code, p.Key = tender.CodeInvalidJSON, "bad_request"
	case http.StatusRequestTimeout:
		p.Code, p.Key = tender.CodeInternal, "timeout"
	default:
		p.Code, p.Key = tender.CodeInternal, "internal"
		if fe.Code < 500 {
			p.Code = tender.CodeValidationFailed
		}
	}
	return p
}

func requestID(c *fiber.Ctx) string {
	if id, ok := c.Locals("requestid").(string); ok {
		return id
	}
	return ""
}
