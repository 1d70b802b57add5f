package pgtest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// superuser is the bootstrap superuser initdb creates; trust authentication
// on loopback means it needs no password.
const superuser = "palier"

// systemUser is the account PostgreSQL runs as when the tests run as root,
// because the server refuses to start as root.
const systemUser = "postgres"

// startAttempts bounds the retries when the free port we picked is taken by
// someone else before the server binds it.
const startAttempts = 3

// binaries is where initdb and pg_ctl live.
type binaries struct {
	dir    string
	initdb string
	pgCtl  string
}

// cluster is a PostgreSQL cluster this process started.
type cluster struct {
	bins binaries
	dir  string // temp dir: holds data/, the socket and the log
	port int
	// asUser is non-nil when commands must run as the postgres system user.
	asUser *user.User
}

func (c *cluster) dataDir() string { return filepath.Join(c.dir, "data") }
func (c *cluster) logFile() string { return filepath.Join(c.dir, "server.log") }

func (c *cluster) url(database string) *url.URL {
	return &url.URL{
		Scheme:   "postgres",
		User:     url.User(superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
}

// packagedBinDirs is where Debian installs each PostgreSQL version; a
// variable so tests can pretend PostgreSQL is not installed.
var packagedBinDirs = "/usr/lib/postgresql/*/bin"

// findBinaries looks for initdb and pg_ctl on PATH, then in the newest
// /usr/lib/postgresql/*/bin, which is where Debian puts them.
func findBinaries() (binaries, error) {
	initdb, err1 := exec.LookPath("initdb")
	pgCtl, err2 := exec.LookPath("pg_ctl")
	if err1 == nil && err2 == nil {
		return binaries{dir: filepath.Dir(initdb), initdb: initdb, pgCtl: pgCtl}, nil
	}
	dirs, _ := filepath.Glob(packagedBinDirs)
	slices.SortFunc(dirs, func(a, b string) int { return -compareVersions(versionOf(a), versionOf(b)) })
	for _, dir := range dirs {
		b := binaries{dir: dir, initdb: filepath.Join(dir, "initdb"), pgCtl: filepath.Join(dir, "pg_ctl")}
		if isExecutable(b.initdb) && isExecutable(b.pgCtl) {
			return b, nil
		}
	}
	return binaries{}, fmt.Errorf("initdb and pg_ctl are neither on PATH nor in %s", packagedBinDirs)
}

// versionOf extracts "15" from "/usr/lib/postgresql/15/bin".
func versionOf(binDir string) string {
	return filepath.Base(filepath.Dir(binDir))
}

// compareVersions orders dotted numeric versions ("9.6" < "15"); parts that
// are not numbers compare as 0 so odd directory names sort last.
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(pa), len(pb)) {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// checkRunAs makes sure that, as root, there is a postgres account to run the
// server as.
func checkRunAs() error {
	if os.Geteuid() != 0 {
		return nil
	}
	if _, err := user.Lookup(systemUser); err != nil {
		return fmt.Errorf("running as root, and PostgreSQL refuses to run as root, but there is no %q system user to run it as: %w", systemUser, err)
	}
	return nil
}

// startCluster creates a cluster in a new temp dir and starts it on a free
// loopback port.
func startCluster(bins binaries) (*cluster, error) {
	c := &cluster{bins: bins}
	if os.Geteuid() == 0 {
		u, err := user.Lookup(systemUser)
		if err != nil {
			return nil, fmt.Errorf("look up the %s user: %w", systemUser, err)
		}
		c.asUser = u
	}
	if err := c.makeTempDir(); err != nil {
		return nil, err
	}

	if err := c.initdb(); err != nil {
		os.RemoveAll(c.dir)
		return nil, err
	}
	var errs []error
	for range startAttempts {
		port, err := freePort()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.port = port
		err = c.start()
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	os.RemoveAll(c.dir)
	return nil, fmt.Errorf("start PostgreSQL: %w", errors.Join(errs...))
}

// makeTempDir creates the cluster's directory and sets c.dir. As root it hands the directory
// to the postgres user, and falls back from $TMPDIR to /tmp when postgres
// cannot reach the former (say, a TMPDIR under /root).
func (c *cluster) makeTempDir() error {
	parents := []string{os.TempDir()}
	if c.asUser != nil && parents[0] != "/tmp" {
		parents = append(parents, "/tmp")
	}
	var errs []error
	for _, parent := range parents {
		dir, err := os.MkdirTemp(parent, "palier-pgtest-")
		if err != nil {
			errs = append(errs, fmt.Errorf("create temp dir: %w", err))
			continue
		}
		c.dir = dir
		if c.asUser == nil {
			return nil
		}
		if err := c.handOver(dir); err != nil {
			os.RemoveAll(dir)
			errs = append(errs, err)
			continue
		}
		return nil
	}
	return errors.Join(errs...)
}

// handOver gives dir to the postgres user and checks that it can really
// write there, which also needs every parent directory to be traversable.
func (c *cluster) handOver(dir string) error {
	uid, err := strconv.Atoi(c.asUser.Uid)
	if err != nil {
		return fmt.Errorf("uid of %s: %w", systemUser, err)
	}
	gid, err := strconv.Atoi(c.asUser.Gid)
	if err != nil {
		return fmt.Errorf("gid of %s: %w", systemUser, err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("hand %s to %s: %w", dir, systemUser, err)
	}
	if out, err := c.command("/bin/sh", "-c", `test -d "$1" && test -w "$1" && test -x "$1"`, "sh", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("the %s user cannot write in %s: %w %s", systemUser, dir, err, out)
	}
	return nil
}

func (c *cluster) initdb() error {
	// --no-sync: the cluster is thrown away, so durability is wasted time.
	cmd := c.command(c.bins.initdb,
		"-D", c.dataDir(),
		"-A", "trust",
		"-U", superuser,
		"-E", "UTF8",
		"--no-locale",
		"--no-sync",
	)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, tail(out))
	}
	return nil
}

func (c *cluster) start() error {
	// Durability settings are off because the data is thrown away; the
	// socket goes into our own dir because /var/run/postgresql is not ours.
	// pg_ctl hands -o to a shell, hence the quoting of the one path in it.
	opts := strings.Join([]string{
		"-p", strconv.Itoa(c.port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=" + shellQuote(c.dir),
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=200",
	}, " ")
	cmd := c.command(c.bins.pgCtl, "-w", "-t", "60", "-D", c.dataDir(), "-o", opts, "-l", c.logFile(), "start")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl start on port %d: %w\n%s\nserver log:\n%s", c.port, err, tail(out), c.logTail())
	}
	return nil
}

// stop shuts the server down at once (its data is worthless) and removes its
// files.
func (c *cluster) stop() error {
	var errs []error
	cmd := c.command(c.bins.pgCtl, "-w", "-D", c.dataDir(), "-m", "immediate", "stop")
	if out, err := cmd.CombinedOutput(); err != nil {
		errs = append(errs, fmt.Errorf("pg_ctl stop: %w\n%s", err, tail(out)))
	}
	if err := os.RemoveAll(c.dir); err != nil {
		errs = append(errs, fmt.Errorf("remove %s: %w", c.dir, err))
	}
	return errors.Join(errs...)
}

// command builds a command that runs as the postgres user when we are root,
// through runuser, or su where runuser is missing.
func (c *cluster) command(name string, args ...string) *exec.Cmd {
	var cmd *exec.Cmd
	switch {
	case c.asUser == nil:
		cmd = exec.Command(name, args...)
	case hasRunuser():
		cmd = exec.Command("runuser", append([]string{"-u", systemUser, "--", name}, args...)...)
	default:
		line := shellQuote(name)
		for _, a := range args {
			line += " " + shellQuote(a)
		}
		cmd = exec.Command("su", systemUser, "-s", "/bin/sh", "-c", line)
	}
	// The test's working directory (the package dir) may not be readable by
	// postgres; the cluster dir always is.
	cmd.Dir = c.dir
	return cmd
}

func hasRunuser() bool {
	_, err := exec.LookPath("runuser")
	return err == nil
}

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// freePort asks the kernel for a free loopback port. Another process may take
// it before PostgreSQL binds it; startCluster retries for that.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (c *cluster) logTail() string {
	b, err := os.ReadFile(c.logFile())
	if err != nil {
		return fmt.Sprintf("(no server log: %v)", err)
	}
	return tail(b)
}

// tail keeps the end of a command's output or a log, where the reason for a
// failure usually is.
func tail(b []byte) string {
	const keep = 4000
	b = bytes.TrimSpace(b)
	if len(b) > keep {
		b = append([]byte("…"), b[len(b)-keep:]...)
	}
	return string(b)
}
