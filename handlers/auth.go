package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"

	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

// claims are the typed claims of an access token.
type claims struct {
	jwt.RegisteredClaims
	Role  tender.Role `json:"role"`
	Ver   int         `json:"ver"`
	OrgID string      `json:"org_id,omitempty"`
	// CommunityID binds a community user's token to its community.
	CommunityID string `json:"community_id,omitempty"`
	Name        string `json:"name,omitempty"`
}

var errUnauthenticated = &tender.Error{Code: tender.CodeUnauthenticated, Key: "auth.required", Message: "请先登录"}
var errTokenInvalid = &tender.Error{Code: tender.CodeUnauthenticated, Key: "auth.token_invalid", Message: "登录凭证无效或已过期，请重新登录"}

func (a *API) issueAccess(u tender.User) (string, error) {
	now := a.opts.Now()
	cl := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   u.ID,
			Issuer:    jwtIssuer,
			Audience:  jwt.ClaimStrings{jwtAudience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
			ExpiresAt: jwt.NewNumericDate(now.Add(accessTTL)),
		},
		Role: u.Role,
		Ver:  u.TokenVersion,
		Name: u.Name,
	}
	if u.OrgID != nil {
		cl.OrgID = *u.OrgID
	}
	if u.CommunityID != nil {
		cl.CommunityID = *u.CommunityID
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, cl).SignedString(a.opts.JWTSecret)
}

func (a *API) parseAccess(token string) (tender.Actor, int, error) {
	var cl claims
	_, err := jwt.ParseWithClaims(token, &cl, func(*jwt.Token) (any, error) { return a.opts.JWTSecret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer(jwtIssuer),
		jwt.WithAudience(jwtAudience),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(5*time.Second),
		jwt.WithTimeFunc(a.opts.Now),
	)
	if err != nil || cl.Subject == "" || !cl.Role.Valid() || (cl.Role == tender.RoleOrg && cl.OrgID == "") ||
		(cl.Role == tender.RoleCommunity && cl.CommunityID == "") {
		return tender.Actor{}, 0, errTokenInvalid
	}
	return tender.Actor{UserID: cl.Subject, Role: cl.Role, OrgID: cl.OrgID, CommunityID: cl.CommunityID, Name: cl.Name}, cl.Ver, nil
}

// authenticate reads a bearer token when one is sent. A request without one is
// the anonymous public; a request with a bad one is refused outright, so a
// client with an expired token learns to refresh instead of silently seeing
// the public view.
func (a *API) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" {
		return c.Next()
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return errTokenInvalid
	}
	actor, ver, err := a.parseAccess(strings.TrimSpace(token))
	if err != nil {
		return err
	}
	if err := a.versions.check(ctx(c), actor.UserID, ver); err != nil {
		return err
	}
	c.Locals("actor", actor)
	return c.Next()
}

func actorOf(c *fiber.Ctx) tender.Actor {
	a, _ := c.Locals("actor").(tender.Actor)
	return a
}

// allow guards a route: 401 without a user, 403 for other roles.
func allow(roles ...tender.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := actorOf(c)
		if a.Anonymous() {
			return errUnauthenticated
		}
		if len(roles) > 0 && !a.Is(roles...) {
			return tender.ErrForbidden
		}
		return c.Next()
	}
}

// anyone marks a public route.
func anyone(c *fiber.Ctx) error { return c.Next() }

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type tokenResponse struct {
	AccessToken  string   `json:"access_token"`
	RefreshToken string   `json:"refresh_token"`
	TokenType    string   `json:"token_type"`
	ExpiresIn    int      `json:"expires_in"`
	User         userView `json:"user"`
}

type userView struct {
	ID       string      `json:"id"`
	Username string      `json:"username"`
	Role     tender.Role `json:"role"`
	OrgID    *string     `json:"org_id"`
	// CommunityID is set for a community user.
	CommunityID *string `json:"community_id"`
	Name        string  `json:"name"`
}

// Login limits (SPEC §8.5): failures per username and per client address.
const (
	loginMaxPerUser    = 5
	loginMaxPerAddress = 50
	loginWindow        = 15 * time.Minute
)

var errRateLimited = &tender.Error{Code: tender.CodeRateLimited, Key: "auth.rate_limited",
	Message: "登录失败次数过多，请15分钟后再试"}

// login claims a throttle slot for the username and for the address before
// the password is checked, so concurrent guesses cannot pass the limit and a
// throttled guess costs no bcrypt. A failure keeps its slot; a success
// releases it and clears the username's failures.
func (a *API) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	req.Username = strings.TrimSpace(req.Username)
	var f tender.Fields
	if req.Username == "" {
		f.Add("username", "请填写用户名")
	}
	if req.Password == "" {
		f.Add("password", "请填写密码")
	}
	if err := f.Validation(); err != nil {
		return err
	}
	userKey := "login-user:" + strings.ToLower(req.Username)
	claim, err := a.store.ClaimThrottle(ctx(c),
		storage.Limit{Key: userKey, Max: loginMaxPerUser, Window: loginWindow},
		storage.Limit{Key: "login-addr:" + a.clientIP(c), Max: loginMaxPerAddress, Window: loginWindow})
	if errors.Is(err, storage.ErrLimited) {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(loginWindow.Seconds())))
		return errRateLimited
	}
	if err != nil {
		return err
	}
	u, err := a.store.Authenticate(ctx(c), req.Username, req.Password)
	if err != nil {
		if tender.ErrorCode(err) != tender.CodeUnauthenticated {
			// Not a wrong guess (the database failed): the attempt does not count.
			if rerr := a.store.ReleaseThrottle(context.WithoutCancel(ctx(c)), claim); rerr != nil {
				a.log.Error("throttle release", "error", rerr)
			}
		}
		return err
	}
	if err := a.store.ReleaseThrottle(ctx(c), claim); err != nil {
		return err
	}
	if err := a.store.ClearThrottle(ctx(c), userKey); err != nil {
		return err
	}
	return a.respondTokens(c, u, "")
}

func (a *API) respondTokens(c *fiber.Ctx, u tender.User, refresh string) error {
	access, err := a.issueAccess(u)
	if err != nil {
		return err
	}
	if refresh == "" {
		if refresh, err = a.store.IssueRefresh(ctx(c), u.ID); err != nil {
			return err
		}
	}
	return c.JSON(tokenResponse{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer",
		ExpiresIn: int(accessTTL.Seconds()), User: viewUser(u)})
}

func viewUser(u tender.User) userView {
	return userView{ID: u.ID, Username: u.Username, Role: u.Role, OrgID: u.OrgID, CommunityID: u.CommunityID, Name: u.Name}
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

func (a *API) refresh(c *fiber.Ctx) error {
	var req refreshRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.RefreshToken == "" {
		return errTokenInvalid
	}
	next, u, err := a.store.RotateRefresh(ctx(c), req.RefreshToken)
	if err != nil {
		return err
	}
	return a.respondTokens(c, u, next)
}

func (a *API) logout(c *fiber.Ctx) error {
	var req refreshRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.RefreshToken == "" {
		var f tender.Fields
		f.Add("refresh_token", "请提供要注销的刷新令牌")
		return f.Validation()
	}
	if err := a.store.RevokeRefresh(ctx(c), req.RefreshToken); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) me(c *fiber.Ctx) error {
	u, err := a.store.User(ctx(c), actorOf(c).UserID)
	if errors.Is(err, tender.ErrNotFound) {
		return errTokenInvalid
	}
	if err != nil {
		return err
	}
	return c.JSON(u)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword sets the caller's own password; the only way an organization's changes.
func (a *API) changePassword(c *fiber.Ctx) error {
	var req passwordRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := a.store.ChangeOwnPassword(ctx(c), actorOf(c), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	a.versions.forget(actorOf(c).UserID)
	return c.SendStatus(fiber.StatusNoContent)
}
