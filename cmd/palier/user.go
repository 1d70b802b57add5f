package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/workspace"
)

const userUsage = `usage: palier user create --email E --name N --role admin|lead|agent|collaborator [--tiers L1,L2]
       palier user unlock --email E`

func userCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "unlock" {
		return userUnlock(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New(userUsage)
	}
	fs, db := dbFlagSet("user create", stderr)
	email := fs.String("email", "", "the account's email (its login)")
	name := fs.String("name", "", "display name")
	role := fs.String("role", "agent", "admin, lead, agent or collaborator (outside support: sees only the tickets it is invited to)")
	tiers := fs.String("tiers", "", "comma-separated tier codes the member belongs to, e.g. L1,L2")
	lang := fs.String("language", "", "interface language: fr or en (default: the browser's)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	s, ws, err := db.openWorkspace(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	m := workspace.Member{Email: *email, Name: *name, Role: workspace.Role(*role), Language: *lang, Active: true}
	if m.TierIDs, err = tierIDs(ctx, s.Tiers, ws.ID, *tiers); err != nil {
		return err
	}
	password, generated, err := readPassword(stdin)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	m, err = s.CreateMember(ctx, ws.ID, 0, m, hash)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s %s (id %d)\n", m.Role, m.Email, m.ID)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n", password)
	}
	return nil
}

// readPassword takes the first line of stdin when it is piped, or generates
// a password (printed once) when stdin is a terminal or empty.
func readPassword(stdin io.Reader) (string, bool, error) {
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p, err := auth.GeneratePassword()
			return p, true, err
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		p, err := auth.GeneratePassword()
		return p, true, err
	}
	if len([]rune(line)) < auth.MinPasswordLength {
		return "", false, fmt.Errorf("password must be at least %d characters", auth.MinPasswordLength)
	}
	return line, false, nil
}

func tierIDs(ctx context.Context, list func(context.Context, int64) ([]workspace.Tier, error), wsID int64, codes string) ([]int64, error) {
	if codes == "" {
		return nil, nil
	}
	tiers, err := list(ctx, wsID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, code := range strings.Split(codes, ",") {
		code = strings.ToUpper(strings.TrimSpace(code))
		found := false
		for _, t := range tiers {
			if t.Code == code {
				ids, found = append(ids, t.ID), true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown tier %q", code)
		}
	}
	return ids, nil
}

// userUnlock clears the failed sign-ins that make an account wait (the
// operator's way in when no admin can sign in). Audited with no actor.
func userUnlock(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, db := dbFlagSet("user unlock", stderr)
	email := fs.String("email", "", "the account to unlock")
	return db.run(ctx, fs, args, func(s *store.Store) error {
		wsID, m, err := memberByEmail(ctx, s, *email)
		if err != nil {
			return err
		}
		if err := s.UnlockMember(ctx, wsID, 0, m.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "unlocked %s\n", m.Email)
		return nil
	})
}
