package generator

import (
	"github.com/dave/jennifer/jen"
)

// The signing keys: an HMAC secret for HS256/384/512, a PEM key pair for
// RS256, ES256 and EdDSA, whose public keys the service publishes as a JWK
// Set. Everything that differs between the two families is here.

// Environment variables of the keys.
const (
	envSecret     = "AUTH_JWT_SECRET"
	envPrivateKey = "AUTH_JWT_PRIVATE_KEY_FILE"
	envPublicKeys = "AUTH_JWT_PUBLIC_KEY_FILES"
)

// jwksPath is where asymmetric services publish their public keys (RFC 8414
// and OpenID Connect Discovery name this place).
const jwksPath = "/.well-known/jwks.json"

// wellKnownDoc completes Mount's doc comment with the routes outside the prefix.
func wellKnownDoc(m *Model) string {
	if !m.Asymmetric() {
		return ""
	}
	return ", and the public keys at " + jwksPath
}

// Asymmetric reports whether tokens are signed with a private key.
func (m *Model) Asymmetric() bool { return IsAsymmetric(m.Algorithm) }

// IsAsymmetric reports whether alg signs with a key pair (RS256, ES256,
// EdDSA) rather than a shared secret.
func IsAsymmetric(alg Algorithm) bool { return alg == "RS256" || alg == "ES256" || alg == "EdDSA" }

// keysFeature is the signing keys' share of the package: every service has
// one kind of key or the other.
type keysFeature struct{ noFeature }

func (keysFeature) name() string { return "keys" }

// configFields are the Config fields that hold the keys.
func (keysFeature) configFields(m *Model) []jen.Code {
	if !m.Asymmetric() {
		return []jen.Code{
			jen.Comment("Secret signs access tokens (" + envSecret + ", at least 32 bytes)."),
			jen.Id("Secret").Index().Byte(),
		}
	}
	return []jen.Code{
		jen.Comment("SigningKey signs access tokens with " + string(m.Algorithm) + " (the PEM file named by"),
		jen.Comment(envPrivateKey + "); its public key verifies them and is published at"),
		jen.Comment(jwksPath + "."),
		jen.Id("SigningKey").Qual("crypto", "Signer"),
		jen.Comment("VerifyKeys are earlier public keys whose tokens are still accepted after a"),
		jen.Comment("rotation (" + envPublicKeys + ", comma-separated PEM files)."),
		jen.Id("VerifyKeys").Index().Qual("crypto", "PublicKey"),
	}
}

// fromEnv reads the keys into cfg.
func (keysFeature) fromEnv(m *Model) []jen.Code {
	read := func(field string, call jen.Code) jen.Code {
		return jen.If(jen.List(jen.Id("cfg").Dot(field), jen.Err()).Op("=").Add(call), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Id("Config").Values(), jen.Err()),
		)
	}
	if !m.Asymmetric() {
		return []jen.Code{read("Secret", jen.Qual(pkgToken, "SecretFromEnv").Call(jen.Lit(envSecret)))}
	}
	return []jen.Code{
		read("SigningKey", jen.Qual(pkgToken, "SigningKeyFromEnv").Call(jen.Lit(envPrivateKey), jen.Lit(string(m.Algorithm)))),
		read("VerifyKeys", jen.Qual(pkgToken, "PublicKeysFromEnv").Call(jen.Lit(envPublicKeys), jen.Lit(string(m.Algorithm)))),
	}
}

// tokenKeys are the key fields of the token.Config that New builds from cfg.
func tokenKeys(m *Model) []any {
	if !m.Asymmetric() {
		return []any{"Secret", jen.Id("cfg").Dot("Secret")}
	}
	return []any{"SigningKey", jen.Id("cfg").Dot("SigningKey"), "VerifyKeys", jen.Id("cfg").Dot("VerifyKeys")}
}

// wellKnown is the JWK Set's route, for asymmetric services.
func (keysFeature) wellKnown(m *Model) []Endpoint {
	if !m.Asymmetric() {
		return nil
	}
	return []Endpoint{{"GET", jwksPath, "JWKS", false}}
}

// handlers renders the JWKS handler of asymmetric services.
func (keysFeature) handlers(f *jen.File, m *Model) {
	if !m.Asymmetric() {
		return
	}
	handlerDoc(f, m, "JWKS", "GET "+jwksPath,
		"It answers the JWK Set of the public keys that verify access tokens, the",
		"signing key's first, each named by its RFC 7638 thumbprint (the kid of the",
		"tokens it signed). Verifiers may cache it for five minutes: after a",
		"rotation, keep the previous key in "+envPublicKeys+" at least that long.")
	f.Func().Add(recv()).Id("JWKS").Add(httpParams()).Block(
		jen.Id("h").Op(":=").Id("w").Dot("Header").Call(),
		jen.Id("h").Dot("Set").Call(jen.Lit("Content-Type"), jen.Lit("application/json")),
		jen.Id("h").Dot("Set").Call(jen.Lit("Cache-Control"), jen.Lit("public, max-age=300")),
		jen.Id("w").Dot("Write").Call(jen.Id("s").Dot("tokens").Dot("JWKS").Call()),
	)
	f.Line()
}
