package pgwire

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// setting describes one run-time parameter a session has, as PostgreSQL's GUC does: its
// canonical spelling, its default, whether a change is reported to the client
// (ParameterStatus), and what values it takes. Names are matched case-insensitively.
type setting struct {
	name     string
	def      string
	report   bool
	readOnly bool
	// check validates and normalizes a value; nil takes any value.
	check func(v string) (string, *pgError)
	desc  string
}

// settings are the parameters sessions know. The values Weir can only honor one way
// (UTF-8, ISO dates in UTC, standard strings) accept that value alone and refuse the others
// with an error that says so, rather than accept a setting whose output they would not
// follow.
var settings = []setting{
	{name: "application_name", def: "", report: true, desc: "Sets the application name to be reported in statistics and logs."},
	{name: "bytea_output", def: "hex", check: oneOf("hex"), desc: "Sets the output format for bytea."},
	{name: "client_encoding", def: "UTF8", report: true, check: checkEncoding, desc: "Sets the client's character set encoding."},
	{name: "client_min_messages", def: "notice", check: oneOf("debug5", "debug4", "debug3", "debug2", "debug1", "debug", "log", "notice", "warning", "error"), desc: "Sets the message levels that are sent to the client."},
	{name: "DateStyle", def: "ISO, MDY", report: true, check: checkDateStyle, desc: "Sets the display format for date and time values."},
	{name: "default_transaction_isolation", def: "read committed", check: checkIsolation, desc: "Sets the transaction isolation level of each new transaction."},
	{name: "default_transaction_read_only", def: "off", report: true, check: checkBool, desc: "Sets the default read-only status of new transactions."},
	{name: "extra_float_digits", def: "1", check: checkIntRange(-15, 3), desc: "Sets the number of digits displayed for floating-point values."},
	{name: "idle_in_transaction_session_timeout", def: "0", check: checkDuration, desc: "Sets the maximum allowed idle time between queries, when in a transaction."},
	{name: "in_hot_standby", def: "off", report: true, readOnly: true, desc: "Shows whether hot standby is currently active."},
	{name: "integer_datetimes", def: "on", report: true, readOnly: true, desc: "Shows whether datetimes are integer based."},
	{name: "IntervalStyle", def: "postgres", report: true, check: oneOf("postgres"), desc: "Sets the display format for interval values."},
	{name: "is_superuser", def: "on", report: true, readOnly: true, desc: "Shows whether the current user is a superuser."},
	{name: "lc_messages", def: "C", desc: "Sets the language in which messages are displayed."},
	{name: "lock_timeout", def: "0", check: checkDuration, desc: "Sets the maximum allowed duration of any wait for a lock."},
	{name: "max_connections", def: "", readOnly: true, desc: "Sets the maximum number of concurrent connections."},
	{name: "max_identifier_length", def: "63", readOnly: true, desc: "Shows the maximum identifier length."},
	{name: "row_security", def: "on", check: checkBool, desc: "Enable row security."},
	{name: "search_path", def: `"$user", public`, desc: "Sets the schema search order for names that are not schema-qualified."},
	{name: "server_encoding", def: "UTF8", report: true, readOnly: true, desc: "Shows the server (database) character set encoding."},
	{name: "server_version", def: "", report: true, readOnly: true, desc: "Shows the server version."},
	{name: "server_version_num", def: "150000", readOnly: true, desc: "Shows the server version as an integer."},
	{name: "session_authorization", def: "", report: true, readOnly: true, desc: "Sets the session user name."},
	{name: "standard_conforming_strings", def: "on", report: true, check: oneOf("on"), desc: "Causes '...' strings to treat backslashes literally."},
	{name: "statement_timeout", def: "0", check: checkDuration, desc: "Sets the maximum allowed duration of any statement."},
	{name: "synchronous_commit", def: "on", check: oneOf("on", "off", "local", "remote_write", "remote_apply"), desc: "Sets the current transaction's synchronization level."},
	{name: "TimeZone", def: "UTC", report: true, check: checkTimeZone, desc: "Sets the time zone for displaying and interpreting time stamps."},
	{name: "transaction_isolation", def: "read committed", check: checkIsolation, desc: "Sets the current transaction's isolation level."},
	{name: "transaction_read_only", def: "off", check: checkBool, desc: "Sets the current transaction's read-only status."},
}

var settingIndex = func() map[string]int {
	m := map[string]int{}
	for i, s := range settings {
		m[strings.ToLower(s.name)] = i
	}
	return m
}()

// lookupSetting finds a parameter by any spelling of its name.
func lookupSetting(name string) (*setting, bool) {
	i, ok := settingIndex[strings.ToLower(name)]
	if !ok {
		return nil, false
	}
	return &settings[i], true
}

func errInvalidValue(name, v string) *pgError {
	return newPGError(stateInvalidParam, "invalid value for parameter %q: %q", name, v)
}

func oneOf(allowed ...string) func(string) (string, *pgError) {
	return func(v string) (string, *pgError) {
		lv := strings.ToLower(v)
		if slices.Contains(allowed, lv) {
			return lv, nil
		}
		return "", &pgError{code: stateInvalidParam, msg: "invalid value: " + strconv.Quote(v),
			hint: "Available values: " + strings.Join(allowed, ", ") + "."}
	}
}

func checkBool(v string) (string, *pgError) {
	switch strings.ToLower(v) {
	case "on", "true", "yes", "1", "t", "y":
		return "on", nil
	case "off", "false", "no", "0", "f", "n":
		return "off", nil
	}
	return "", &pgError{code: stateInvalidParam, msg: "parameter requires a Boolean value"}
}

func checkEncoding(v string) (string, *pgError) {
	switch strings.ToUpper(strings.ReplaceAll(strings.ReplaceAll(v, "-", ""), "_", "")) {
	case "UTF8", "UNICODE":
		return "UTF8", nil
	}
	return "", &pgError{code: stateFeature, msg: "Weir speaks UTF8 only: client_encoding " + strconv.Quote(v) + " is not supported"}
}

func checkDateStyle(v string) (string, *pgError) {
	order := "MDY"
	iso := false
	for _, part := range strings.Split(v, ",") {
		switch p := strings.ToUpper(strings.TrimSpace(part)); p {
		case "ISO":
			iso = true
		case "MDY", "DMY", "YMD":
			order = p
		case "US", "NONEURO", "NONEUROPEAN":
			order = "MDY"
		case "EURO", "EUROPEAN":
			order = "DMY"
		case "SQL", "POSTGRES", "GERMAN":
			return "", &pgError{code: stateFeature, msg: "Weir writes dates in ISO style only: DateStyle " + strconv.Quote(v) + " is not supported"}
		default:
			return "", errInvalidValue("DateStyle", v)
		}
	}
	if !iso && !strings.Contains(strings.ToUpper(v), "ISO") {
		// "SET DateStyle = DMY" keeps the output style: ISO.
		iso = true
	}
	return "ISO, " + order, nil
}

func checkIsolation(v string) (string, *pgError) {
	switch l := strings.ToLower(strings.Join(strings.Fields(v), " ")); l {
	case "read uncommitted", "read committed", "repeatable read", "serializable", "default":
		if l == "default" {
			l = "read committed"
		}
		return l, nil
	}
	return "", errInvalidValue("transaction_isolation", v)
}

func checkTimeZone(v string) (string, *pgError) {
	switch strings.ToUpper(v) {
	case "UTC", "GMT", "Z", "ZULU", "ETC/UTC", "ETC/GMT", "UCT", "UNIVERSAL", "0", "+00", "+00:00", "-00:00", "00:00":
		if strings.EqualFold(v, "GMT") || strings.EqualFold(v, "Etc/GMT") {
			return "GMT", nil
		}
		return "UTC", nil
	}
	return "", &pgError{code: stateFeature, msg: "Weir shows times in UTC only: TimeZone " + strconv.Quote(v) + " is not supported"}
}

func checkIntRange(lo, hi int) func(string) (string, *pgError) {
	return func(v string) (string, *pgError) {
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", &pgError{code: stateInvalidParam, msg: "invalid value for parameter: " + strconv.Quote(v)}
		}
		if n < lo || n > hi {
			return "", &pgError{code: stateInvalidParam, msg: strconv.Itoa(n) + " is outside the valid range for parameter (" +
				strconv.Itoa(lo) + " .. " + strconv.Itoa(hi) + ")"}
		}
		return strconv.Itoa(n), nil
	}
}

// checkDuration reads a time setting as PostgreSQL does: a number of milliseconds, or a
// number with a unit (us, ms, s, min, h, d); it is shown as PostgreSQL shows it.
func checkDuration(v string) (string, *pgError) {
	d, ok := parseDuration(v)
	if !ok {
		return "", &pgError{code: stateInvalidParam, msg: "invalid value for parameter: " + strconv.Quote(v),
			hint: `Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".`}
	}
	return formatDuration(d), nil
}

func parseDuration(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && (v[i] >= '0' && v[i] <= '9' || v[i] == '.') {
		i++
	}
	n, err := strconv.ParseFloat(v[:i], 64)
	if err != nil || n < 0 {
		return 0, false
	}
	unit := time.Millisecond
	switch strings.TrimSpace(v[i:]) {
	case "", "ms":
	case "us":
		unit = time.Microsecond
	case "s":
		unit = time.Second
	case "min":
		unit = time.Minute
	case "h":
		unit = time.Hour
	case "d":
		unit = 24 * time.Hour
	default:
		return 0, false
	}
	d := time.Duration(n * float64(unit))
	if d < 0 || d > 24*24*time.Hour*100 {
		return 0, false
	}
	return d.Truncate(time.Millisecond), true
}

func formatDuration(d time.Duration) string {
	ms := d.Milliseconds()
	switch {
	case ms == 0:
		return "0"
	case ms%(3600*1000) == 0:
		return strconv.FormatInt(ms/(3600*1000), 10) + "h"
	case ms%(60*1000) == 0:
		return strconv.FormatInt(ms/(60*1000), 10) + "min"
	case ms%1000 == 0:
		return strconv.FormatInt(ms/1000, 10) + "s"
	}
	return strconv.FormatInt(ms, 10) + "ms"
}

// sessionSettings are one connection's values, by index in settings.
type sessionSettings struct {
	values []string
	custom map[string]string // placeholder parameters (myapp.x)
	// txSaved holds the values before the transaction changed them (restored by ROLLBACK);
	// localSaved those before SET LOCAL (restored at the end of the transaction).
	txSaved, localSaved map[int]string
}

func newSessionSettings(serverVersion, user string, maxConns int) sessionSettings {
	vals := make([]string, len(settings))
	for i, s := range settings {
		vals[i] = s.def
	}
	set := func(name, v string) { vals[settingIndex[strings.ToLower(name)]] = v }
	set("server_version", serverVersion)
	set("session_authorization", user)
	set("max_connections", strconv.Itoa(maxConns))
	return sessionSettings{values: vals}
}

func (ss *sessionSettings) get(name string) (string, bool) {
	if i, ok := settingIndex[strings.ToLower(name)]; ok {
		return ss.values[i], true
	}
	v, ok := ss.custom[strings.ToLower(name)]
	return v, ok
}

// set changes a parameter; inTx says a transaction is open (its ROLLBACK restores the old
// value), local that it is SET LOCAL. It returns the parameter when the client must hear of
// the change.
func (ss *sessionSettings) set(name, value string, inTx, local bool) (*setting, *pgError) {
	i, ok := settingIndex[strings.ToLower(name)]
	if !ok {
		if !strings.Contains(name, ".") {
			return nil, newPGError(stateUndefinedObject, "unrecognized configuration parameter %q", name)
		}
		if ss.custom == nil {
			ss.custom = map[string]string{}
		}
		ss.custom[strings.ToLower(name)] = value
		return nil, nil
	}
	def := &settings[i]
	if def.readOnly {
		return nil, newPGError("55P02", "parameter %q cannot be changed", def.name)
	}
	if def.check != nil {
		v, err := def.check(value)
		if err != nil {
			if err.code == stateInvalidParam && !strings.Contains(err.msg, "parameter") {
				err.msg = "invalid value for parameter " + strconv.Quote(def.name) + ": " + strconv.Quote(value)
			}
			return nil, err
		}
		value = v
	}
	if inTx {
		saved := &ss.txSaved
		if local {
			saved = &ss.localSaved
		}
		if *saved == nil {
			*saved = map[int]string{}
		}
		if _, seen := (*saved)[i]; !seen {
			(*saved)[i] = ss.values[i]
		}
	}
	changed := ss.values[i] != value
	ss.values[i] = value
	if changed && def.report {
		return def, nil
	}
	return nil, nil
}

// endTx restores what SET LOCAL changed and, when the transaction rolled back, what SET
// changed; it returns the reported parameters whose values changed back.
func (ss *sessionSettings) endTx(committed bool) []*setting {
	var changed []*setting
	restore := func(saved map[int]string) {
		for i, v := range saved {
			if ss.values[i] != v {
				ss.values[i] = v
				if settings[i].report {
					changed = append(changed, &settings[i])
				}
			}
		}
	}
	if !committed {
		restore(ss.txSaved)
	}
	restore(ss.localSaved)
	ss.txSaved, ss.localSaved = nil, nil
	return changed
}

// statementTimeout is statement_timeout, or zero.
func (ss *sessionSettings) statementTimeout() time.Duration {
	v, _ := ss.get("statement_timeout")
	d, _ := parseDuration(v)
	return d
}
