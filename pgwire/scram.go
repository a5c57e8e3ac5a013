package pgwire

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// scramIterations is PostgreSQL's default scram_iterations.
const scramIterations = 4096

// scramSecret is what PostgreSQL keeps in pg_authid for a SCRAM-SHA-256 password (RFC 5802,
// RFC 7677): the salt, and the stored and server keys derived from the salted password.
type scramSecret struct {
	salt      []byte
	storedKey []byte
	serverKey []byte
}

func newSCRAMSecret(password string) (*scramSecret, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("weir: SCRAM salt: %w", err)
	}
	// PostgreSQL prepares the password with SASLprep and uses it unprepared when it is not
	// valid UTF-8 or has prohibited characters; the passwords Weir takes are used as they
	// are, which is the same for every password of printable ASCII.
	salted, err := pbkdf2.Key(sha256.New, password, salt, scramIterations, sha256.Size)
	if err != nil {
		return nil, fmt.Errorf("weir: SCRAM key: %w", err)
	}
	clientKey := hmacSHA256(salted, "Client Key")
	stored := sha256.Sum256(clientKey)
	return &scramSecret{salt: salt, storedKey: stored[:], serverKey: hmacSHA256(salted, "Server Key")}, nil
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// scramExchange is the server's side of one SCRAM-SHA-256 authentication.
type scramExchange struct {
	secret          *scramSecret
	gs2Header       string
	clientFirstBare string
	serverFirst     string
	nonce           string
}

var errSCRAM = errors.New("malformed SCRAM message")

// first reads client-first-message and returns server-first-message.
func (x *scramExchange) first(clientFirst string) (string, error) {
	// gs2-header: a channel-binding flag, an empty authzid.
	parts := strings.SplitN(clientFirst, ",", 3)
	if len(parts) != 3 {
		return "", errSCRAM
	}
	switch {
	case parts[0] == "n" || parts[0] == "y":
		// 'y': the client could bind to the channel but the server did not offer
		// SCRAM-SHA-256-PLUS, which it never does.
	case strings.HasPrefix(parts[0], "p="):
		return "", newPGError(stateProtocol, "channel binding is not supported")
	default:
		return "", errSCRAM
	}
	if parts[1] != "" {
		return "", newPGError(stateFeature, "client uses authorization identity, but it is not supported")
	}
	x.gs2Header = parts[0] + "," + parts[1] + ","
	x.clientFirstBare = parts[2]
	var clientNonce string
	for _, attr := range strings.Split(x.clientFirstBare, ",") {
		if strings.HasPrefix(attr, "r=") {
			clientNonce = attr[2:]
		}
	}
	if clientNonce == "" {
		return "", errSCRAM
	}
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	x.nonce = clientNonce + base64.StdEncoding.EncodeToString(b[:])
	x.serverFirst = fmt.Sprintf("r=%s,s=%s,i=%d", x.nonce, base64.StdEncoding.EncodeToString(x.secret.salt), scramIterations)
	return x.serverFirst, nil
}

// final checks client-final-message and returns server-final-message; ok is false for a
// wrong password.
func (x *scramExchange) final(clientFinal string) (serverFinal string, ok bool, err error) {
	i := strings.LastIndex(clientFinal, ",p=")
	if i < 0 {
		return "", false, errSCRAM
	}
	withoutProof := clientFinal[:i]
	proof, err := base64.StdEncoding.DecodeString(clientFinal[i+3:])
	if err != nil || len(proof) != sha256.Size {
		return "", false, errSCRAM
	}
	var binding, nonce string
	for _, attr := range strings.Split(withoutProof, ",") {
		switch {
		case strings.HasPrefix(attr, "c="):
			binding = attr[2:]
		case strings.HasPrefix(attr, "r="):
			nonce = attr[2:]
		}
	}
	if binding != base64.StdEncoding.EncodeToString([]byte(x.gs2Header)) {
		return "", false, newPGError(stateProtocol, "SCRAM channel binding check failed")
	}
	if nonce != x.nonce {
		return "", false, newPGError(stateProtocol, "SCRAM nonce mismatch")
	}
	authMessage := x.clientFirstBare + "," + x.serverFirst + "," + withoutProof
	signature := hmacSHA256(x.secret.storedKey, authMessage)
	clientKey := make([]byte, len(proof))
	for i := range proof {
		clientKey[i] = proof[i] ^ signature[i]
	}
	stored := sha256.Sum256(clientKey)
	if subtle.ConstantTimeCompare(stored[:], x.secret.storedKey) != 1 {
		return "", false, nil
	}
	return "v=" + base64.StdEncoding.EncodeToString(hmacSHA256(x.secret.serverKey, authMessage)), true, nil
}

// md5Password is what a client sends for PostgreSQL's md5 method: "md5" and the hex MD5 of
// the hex MD5 of password and user, followed by the salt.
func md5Password(user, password string, salt [4]byte) string {
	inner := md5.Sum([]byte(password + user))
	h := md5.New()
	h.Write([]byte(hex.EncodeToString(inner[:])))
	h.Write(salt[:])
	return "md5" + hex.EncodeToString(h.Sum(nil))
}
