package handlers_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/linshu/portal/handlers"
	"github.com/linshu/portal/storage"
	"github.com/linshu/portal/tender"
)

func TestLoginAndMe(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword})
	r.ok(t, 200)
	body := r.json(t)
	for _, k := range []string{"access_token", "refresh_token", "expires_in", "user"} {
		if _, ok := body[k]; !ok {
			t.Fatalf("login response lacks %s: %s", k, r.Body)
		}
	}
	if body["expires_in"].(float64) != 900 {
		t.Fatalf("access tokens must live 15 minutes, got %v", body["expires_in"])
	}
	user := body["user"].(map[string]any)
	if user["role"] != "admin" || user["username"] != "admin" {
		t.Fatalf("user = %v", user)
	}
	me := e.do("GET", "/api/v1/me", body["access_token"].(string), nil)
	me.ok(t, 200)
	if me.json(t)["username"] != "admin" {
		t.Fatalf("me = %s", me.Body)
	}
	if strings.Contains(string(me.Body), "password") {
		t.Fatal("me leaks the password hash")
	}
	e.do("GET", "/api/v1/me", "", nil).problem(t, 401, "unauthenticated")
}

func TestLoginWrongPasswordAndThrottle(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 5; i++ {
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password"}).
			problem(t, 401, "unauthenticated")
	}
	r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword})
	r.problem(t, 429, "rate_limited")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// Another username from the same address is not throttled.
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "nobody", "password": "x"}).
		problem(t, 401, "unauthenticated")
}

func TestLoginThrottleKeyUsesTrustedProxyOnly(t *testing.T) {
	e := newEnv(t) // no trusted proxies: X-Forwarded-For is ignored
	for i := 0; i < 5; i++ {
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "bad-password"},
			"X-Forwarded-For", "10.0.0."+string(rune('1'+i)))
	}
	// Rotating a spoofed header must not escape the limit.
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword},
		"X-Forwarded-For", "10.9.9.9").problem(t, 429, "rate_limited")
}

func TestRefreshRotationAndReuse(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword})
	first := r.json(t)["refresh_token"].(string)

	r2 := e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": first})
	r2.ok(t, 200)
	second := r2.json(t)["refresh_token"].(string)
	if second == first {
		t.Fatal("refresh did not rotate the token")
	}
	// The used token is dead, and presenting it revokes the whole family.
	e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": first}).problem(t, 401, "unauthenticated")
	e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": second}).problem(t, 401, "unauthenticated")

	// Logout revokes.
	r3 := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword})
	third := r3.json(t)["refresh_token"].(string)
	e.do("POST", "/api/v1/auth/logout", "", map[string]string{"refresh_token": third}).ok(t, 204)
	e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": third}).problem(t, 401, "unauthenticated")
	e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": "made-up"}).problem(t, 401, "unauthenticated")
}

func TestTokenValidation(t *testing.T) {
	e := newEnv(t)
	valid := e.admin
	sign := func(method jwt.SigningMethod, key any, mutate func(jwt.MapClaims)) string {
		cl := jwt.MapClaims{"sub": "x", "role": "admin", "iss": "lsmz-portal", "aud": []string{"lsmz-portal-api"},
			"exp": time.Now().Add(time.Minute).Unix(), "iat": time.Now().Unix()}
		mutate(cl)
		s, err := jwt.NewWithClaims(method, cl).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	bad := map[string]string{
		"expired":        expiredToken(t, e),
		"wrong secret":   sign(jwt.SigningMethodHS256, []byte("another-secret-that-is-long-enough-xxxx"), func(jwt.MapClaims) {}),
		"no expiry":      sign(jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { delete(c, "exp") }),
		"wrong issuer":   sign(jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { c["iss"] = "evil" }),
		"wrong audience": sign(jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { c["aud"] = []string{"other"} }),
		"HS512":          sign(jwt.SigningMethodHS512, []byte(testSecret), func(jwt.MapClaims) {}),
		"alg none": func() string {
			s, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": "x", "role": "admin",
				"exp": time.Now().Add(time.Minute).Unix()}).SignedString(jwt.UnsafeAllowNoneSignatureType)
			return s
		}(),
		"unknown role": sign(jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { c["role"] = "root" }),
		"garbage":      base64.RawURLEncoding.EncodeToString([]byte("garbage")),
	}
	for name, tok := range bad {
		t.Run(name, func(t *testing.T) {
			e.do("GET", "/api/v1/me", tok, nil).problem(t, 401, "unauthenticated")
		})
	}
	e.do("GET", "/api/v1/me", valid, nil).ok(t, 200)
}

func TestWeakSecretRefused(t *testing.T) {
	_, err := handlers.New(handlers.Options{JWTSecret: []byte("short"), ReceiptKey: make([]byte, 64)}, nil)
	if err != handlers.ErrWeakSecret {
		t.Fatalf("want ErrWeakSecret, got %v", err)
	}
}

func TestDeactivatedUserCannotLoginOrRefresh(t *testing.T) {
	e := newEnv(t)
	id, _ := e.staff(tender.RoleAuditor, "auditor1", nil)
	r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "auditor1", "password": testPassword})
	refresh := r.json(t)["refresh_token"].(string)
	e.do("PATCH", "/api/v1/users/"+id, e.admin, map[string]any{"active": false}).ok(t, 200)
	e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "auditor1", "password": testPassword}).
		problem(t, 401, "unauthenticated")
	e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": refresh}).problem(t, 401, "unauthenticated")
}

func TestPasswordsAreHashed(t *testing.T) {
	e := newEnv(t)
	var hash string
	if err := e.store.DB().Get(&hash, `SELECT password_hash FROM users WHERE username = 'admin'`); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$2") || strings.Contains(hash, testPassword) {
		t.Fatalf("password not stored as bcrypt: %q", hash)
	}
	if _, err := storage.HashPassword("x"); err != nil {
		t.Fatal(err)
	}
}
