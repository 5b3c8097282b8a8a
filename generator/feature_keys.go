package generator

import (
	"strings"

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

// testKeyConfig are the key fields of the generated tests' Config: the
// test secret, or a key pair made once per test binary.
func testKeyConfig(m *Model) []any {
	if !m.Asymmetric() {
		return []any{"Secret", jen.Index().Byte().Call(jen.Id("testSecret"))}
	}
	return []any{"SigningKey", jen.Id("testKey")}
}

// emitTestKey declares testKey for asymmetric services.
func emitTestKey(f *jen.File, m *Model) {
	if !m.Asymmetric() {
		return
	}
	f.Comment("testKey signs the tests' tokens; a new " + string(m.Algorithm) + " key per test binary.")
	f.Var().Id("testKey").Op("=").Id("mustKey").Call()
	f.Line()
	f.Func().Id("mustKey").Params().Qual("crypto", "Signer").Block(
		newTestKey(m.Algorithm),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Panic(jen.Err())),
		jen.Return(jen.Id("key")),
	)
	f.Line()
}

// newTestKey declares key and err: a new key of alg's family, straight
// from the standard library (authgen keys makes the service's own). RSA
// keys are 2048 bits, the least the runtime accepts, because a 3072-bit one
// takes seconds under the race detector.
func newTestKey(alg Algorithm) jen.Code {
	key, err := jen.Id("key"), jen.Err()
	switch alg {
	case "RS256":
		return jen.List(key, err).Op(":=").Qual("crypto/rsa", "GenerateKey").Call(jen.Qual("crypto/rand", "Reader"), jen.Lit(2048))
	case "ES256":
		return jen.List(key, err).Op(":=").Qual("crypto/ecdsa", "GenerateKey").Call(jen.Qual("crypto/elliptic", "P256").Call(), jen.Qual("crypto/rand", "Reader"))
	}
	return jen.List(jen.Id("_"), key, err).Op(":=").Qual("crypto/ed25519", "GenerateKey").Call(jen.Qual("crypto/rand", "Reader"))
}

// foreignKeyConfig are the key fields of a token service with a key the
// generated service does not know.
func foreignKeyConfig(m *Model) []any {
	if !m.Asymmetric() {
		return []any{"Secret", jen.Index().Byte().Call(jen.Qual("strings", "Repeat").Call(jen.Lit("k"), jen.Lit(32)))}
	}
	return []any{"SigningKey", jen.Id("mustKey").Call()}
}

// testKeyEnv are the statements of TestConfigFromEnv that first set a bad
// key (which ConfigFromEnv must refuse) and then a good one.
func testKeyEnv(m *Model) []jen.Code {
	refuse := func(what string) jen.Code {
		return jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("ConfigFromEnv").Call(), jen.Err().Op("==").Nil()).Block(tcall("Fatal", jen.Lit("accepted "+what)))
	}
	if !m.Asymmetric() {
		return []jen.Code{
			tcall("Setenv", jen.Lit(envSecret), jen.Lit("too-short")),
			refuse("a 9-byte secret"),
			tcall("Setenv", jen.Lit(envSecret), jen.Id("testSecret")),
		}
	}
	writePEM := func(file, blockType string, der jen.Code) jen.Code {
		block := jen.Op("&").Qual("encoding/pem", "Block").Values(jen.Id("Type").Op(":").Lit(blockType), jen.Id("Bytes").Op(":").Add(der))
		return jen.If(jen.Err().Op(":=").Qual("os", "WriteFile").Call(jen.Id(file), jen.Qual("encoding/pem", "EncodeToMemory").Call(block), jen.Op("0o600")), jen.Err().Op("!=").Nil()).Block(tcall("Fatal", jen.Err()))
	}
	return []jen.Code{
		tcall("Setenv", jen.Lit(envPrivateKey), jen.Lit("")),
		refuse("a missing private key"),
		jen.Id("file").Op(":=").Qual("path/filepath", "Join").Call(jen.Id("t").Dot("TempDir").Call(), jen.Lit(strings.ToLower(string(m.Algorithm))+".key")),
		jen.List(jen.Id("public"), jen.Id("_")).Op(":=").Qual("crypto/x509", "MarshalPKIXPublicKey").Call(jen.Id("testKey").Dot("Public").Call()),
		writePEM("file", "PUBLIC KEY", jen.Id("public")),
		tcall("Setenv", jen.Lit(envPrivateKey), jen.Id("file")),
		refuse("a public key as the private key"),
		jen.List(jen.Id("private"), jen.Id("_")).Op(":=").Qual("crypto/x509", "MarshalPKCS8PrivateKey").Call(jen.Id("testKey")),
		writePEM("file", "PRIVATE KEY", jen.Id("private")),
	}
}

// tests renders TestJWKS for asymmetric services: the published key is the
// one whose kid the access tokens carry, and caches may keep it.
func (keysFeature) tests(f *jen.File, m *Model) {
	if !m.Asymmetric() {
		return
	}
	testFunc(f, "TestJWKS", "TestJWKS checks that "+jwksPath+" publishes the signing key, under the\n// kid that access tokens carry, and nothing private.",
		jen.Id("srv").Op(":=").Id("newTestServer").Call(jen.Id("t")),
		jen.Id("tk").Op(":=").Id("signup").Call(jen.Id("t"), jen.Id("srv"), jen.Lit(m.SampleIdentity())),
		jen.Id("r").Op(":=").Add(get(jwksPath)),
		jen.If(jen.Id("r").Dot("status").Op("!=").Qual(pkgHTTP, "StatusOK").Op("||").Id("r").Dot("header").Dot("Get").Call(jen.Lit("Cache-Control")).Op("!=").Lit("public, max-age=300")).Block(
			tcall("Fatalf", jen.Lit("jwks: %d %v"), jen.Id("r").Dot("status"), jen.Id("r").Dot("header")),
		),
		jen.Var().Id("set").Struct(jen.Id("Keys").Index().Qual(pkgToken, "JWK").Tag(map[string]string{"json": "keys"})),
		jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("r").Dot("body"), jen.Op("&").Id("set")), jen.Err().Op("!=").Nil().Op("||").Len(jen.Id("set").Dot("Keys")).Op("!=").Lit(1)).Block(
			tcall("Fatalf", jen.Lit("jwks body %s: %v"), jen.Id("r").Dot("body"), jen.Err()),
		),
		jen.List(jen.Id("kid"), jen.Id("_")).Op(":=").Qual(pkgToken, "KeyID").Call(jen.Id("testKey").Dot("Public").Call()),
		jen.List(jen.Id("header"), jen.Id("_"), jen.Id("_")).Op(":=").Qual("strings", "Cut").Call(jen.Id("tk").Dot("Access"), jen.Lit(".")),
		jen.List(jen.Id("raw"), jen.Id("_")).Op(":=").Qual("encoding/base64", "RawURLEncoding").Dot("DecodeString").Call(jen.Id("header")),
		jen.If(jen.Id("k").Op(":=").Id("set").Dot("Keys").Index(jen.Lit(0)), jen.Id("k").Dot("Kid").Op("!=").Id("kid").Op("||").Id("k").Dot("Alg").Op("!=").Lit(string(m.Algorithm)).Op("||").Op("!").Qual("strings", "Contains").Call(jen.String().Call(jen.Id("raw")), jen.Lit(`"kid":"`).Op("+").Id("kid").Op("+").Lit(`"`))).Block(
			tcall("Errorf", jen.Lit("published %+v; token header %s; want kid %s"), jen.Id("k"), jen.Id("raw"), jen.Id("kid")),
		),
		jen.If(jen.Qual("strings", "Contains").Call(jen.String().Call(jen.Id("r").Dot("body")), jen.Lit(`"d"`))).Block(
			tcall("Errorf", jen.Lit("jwks holds a private member: %s"), jen.Id("r").Dot("body")),
		),
	)
}
