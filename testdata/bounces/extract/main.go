// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Command extract writes sisimai-tuning-replies.json and
// sisimai-held-out-replies.json without anyone reading a reply: the
// samples of set-of-emails (maildir/bsd) that no corpus file uses, from the
// Sisimai modules that sisimai-replies.json already holds, decoded by
// go-sisimai, keeping each reply whose reason Sisimai's own test suite
// (fact/*_test.go, public list) expects. Odd-numbered samples go to the
// tuning file, even-numbered ones to the held-out file. It prints counts
// only.
//
// Run it from this folder, with go-sisimai (at ed142de) checked out as
// ../../../../go-sisimai (beside this repository) and set-of-emails (at
// 18e585c) anywhere:
//
//	go run . ../../../../go-sisimai /path/to/set-of-emails
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"libsisimai.org/sisimai"
)

const (
	setOfEmails = "sisimai/set-of-emails@18e585c22288"
	goSisimai   = "sisimai/go-sisimai@ed142ded2c40"
)

type entry struct {
	Reply    string `json:"reply"`
	Reason   string `json:"reason"`
	Category string `json:"category"`
	Source   string `json:"source"`
}

// ours is Sisimai's reason as opptima.bounce.reason and its category
// (internal/bounce/reason.go); onhold, delivered, feedback and vacation
// are left out, as in sisimai-unseen-replies.json.
var ours = map[string][2]string{
	"userunknown": {"user_unknown", "invalid_address"}, "hostunknown": {"host_unknown", "invalid_address"},
	"syntaxerror": {"syntax_error", "invalid_address"}, "hasmoved": {"has_moved", "invalid_address"},
	"notaccept": {"not_accept", "invalid_address"}, "mailboxfull": {"mailbox_full", "mailbox_unavailable"},
	"suspend": {"suspend", "mailbox_unavailable"}, "exceedlimit": {"exceed_limit", "mailbox_unavailable"},
	"filtered": {"filtered", "mailbox_unavailable"}, "blocked": {"blocked", "reputation"},
	"badreputation": {"bad_reputation", "reputation"}, "requireptr": {"require_ptr", "reputation"},
	"rejected": {"rejected", "reputation"}, "authfailure": {"auth_failure", "reputation"},
	"policyviolation": {"policy_violation", "reputation"}, "spamdetected": {"spam_detected", "content"},
	"virusdetected": {"virus_detected", "content"}, "contenterror": {"content_error", "content"},
	"mesgtoobig": {"message_too_big", "content"}, "notcompliantrfc": {"not_compliant_rfc", "content"},
	"toomanyconn": {"too_many_conn", "frequency_or_volume"}, "speeding": {"speeding", "frequency_or_volume"},
	"expired": {"expired", "technical"}, "networkerror": {"network_error", "technical"},
	"systemerror": {"system_error", "technical"}, "systemfull": {"system_full", "technical"},
	"mailererror": {"mailer_error", "technical"}, "failedstarttls": {"failed_starttls", "technical"},
	"norelaying": {"no_relaying", "technical"}, "securityerror": {"security_error", "technical"},
	"undefined": {"undefined", "unclassified"},
}

var (
	sampleName = regexp.MustCompile(`^((?:lhost|rhost)-[a-z0-9]+|rfc\d+)-(\d+)\.eml$`)
	expectRow  = regexp.MustCompile(`\{"(\d+)",\s*(\d+),\s*"[^"]*",\s*"[^"]*",\s*"(\w+)"`)
	leadCode   = regexp.MustCompile(`^[245]\d\d\b`)

	// What the bouncing MTA wrote around the remote server's reply, which
	// is all Opptima's response holds: "host h said:", "(in reply to RCPT
	// TO command)", Exim's "SMTP error from remote mail server after RCPT
	// TO:<a>: host h [ip]:" and DragonFly's "h [ip] did not like our RCPT
	// TO:".
	said      = regexp.MustCompile(`(?i)^.*?\bsaid:\s*`)
	inReplyTo = regexp.MustCompile(`(?is)\s*\(in reply to [^)]*\)\s*$`)
	exim      = regexp.MustCompile(`(?i)^.*?SMTP error from remote mail server after (?:MAIL FROM:<[^>]*>(?: SIZE=\d+)?|RCPT TO:<[^>]*>|[^:]*):\s*(?:host \S+ \[[^\]]*\]:\s*)?`)
	dragonfly = regexp.MustCompile(`(?i)^.*?did not like our (?:RCPT TO|MAIL FROM|DATA)[^:]*:\s*`)
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run . <go-sisimai> <set-of-emails>")
		os.Exit(2)
	}
	lib, samples := os.Args[1], filepath.Join(os.Args[2], "maildir", "bsd")
	known, used, modules := readCorpora("..")
	facts, _ := filepath.Glob(filepath.Join(lib, "fact", "*_test.go"))
	names, _ := filepath.Glob(filepath.Join(samples, "*.eml"))
	slices.Sort(names)
	var tuning, heldOut []entry
	for _, path := range names {
		name := filepath.Base(path)
		m := sampleName.FindStringSubmatch(name)
		if m == nil || !modules[m[1]] || used[name] {
			continue
		}
		factFile, line, expected := expectations(facts, m[1], m[2])
		decoded, _ := sisimai.Rise(path, sisimai.Args())
		for i, fact := range *decoded {
			label, ok := ours[fact.Reason]
			if !ok || expected[i+1] != fact.Reason {
				continue
			}
			reply := remoteReply(fact.DiagnosticCode, fact.ReplyCode, fact.DeliveryStatus)
			if reply == "" || known[reply] {
				continue
			}
			known[reply] = true
			e := entry{reply, label[0], label[1], fmt.Sprintf("email: %s:maildir/bsd/%s | expected: %s:fact/%s#L%d", setOfEmails, name, goSisimai, filepath.Base(factFile), line)}
			if number, _ := strconv.Atoi(m[2]); number%2 == 1 {
				tuning = append(tuning, e)
			} else {
				heldOut = append(heldOut, e)
			}
		}
	}
	write(filepath.Join("..", "sisimai-tuning-replies.json"), tuning)
	write(filepath.Join("..", "sisimai-held-out-replies.json"), heldOut)
	fmt.Printf("%d tuning, %d held out\n", len(tuning), len(heldOut))
}

// readCorpora returns every reply of the corpus files, the samples they
// use and the Sisimai modules sisimai-replies.json holds.
func readCorpora(dir string) (known, used, modules map[string]bool) {
	known, used, modules = map[string]bool{}, map[string]bool{}, map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range files {
		if strings.HasSuffix(f, "sisimai-tuning-replies.json") || strings.HasSuffix(f, "sisimai-held-out-replies.json") {
			continue // what this command writes
		}
		data, err := os.ReadFile(f)
		check(err)
		var entries []entry
		check(json.Unmarshal(data, &entries))
		for _, e := range entries {
			known[e.Reply] = true
			_, rest, ok := strings.Cut(e.Source, "maildir/bsd/")
			if !ok {
				continue
			}
			name, _, _ := strings.Cut(rest, " ")
			used[name] = true
			if m := sampleName.FindStringSubmatch(name); m != nil && strings.HasSuffix(f, "/sisimai-replies.json") {
				modules[m[1]] = true
			}
		}
	}
	return known, used, modules
}

// expectations reads the reasons the test suite's public list expects for
// one sample, by the index of its decoded record.
func expectations(facts []string, module, number string) (file string, line int, reasons map[int]string) {
	reasons = map[int]string{}
	for _, f := range facts {
		if !strings.HasSuffix(f, "-"+module+"_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		check(err)
		public := false
		for i, l := range strings.Split(string(data), "\n") {
			public = (public || strings.Contains(l, "publiclist")) && !strings.Contains(l, "secretlist")
			if r := expectRow.FindStringSubmatch(l); r != nil && public && r[1] == number {
				index, _ := strconv.Atoi(r[2])
				reasons[index] = r[3]
				if line == 0 {
					file, line = f, i+1
				}
			}
		}
	}
	return file, line, reasons
}

// remoteReply is the remote server's reply out of Sisimai's diagnostic
// code, with its reply code and status in front where the text has none.
func remoteReply(diagnostic, code, status string) string {
	reply := strings.TrimSpace(inReplyTo.ReplaceAllString(said.ReplaceAllString(diagnostic, ""), ""))
	reply = dragonfly.ReplaceAllString(exim.ReplaceAllString(reply, ""), "")
	if reply != "" && !leadCode.MatchString(reply) && !strings.Contains(reply, status) {
		reply = strings.TrimSpace(code+" "+status) + " " + reply
	}
	return strings.TrimSpace(reply)
}

func write(path string, entries []entry) {
	var out bytes.Buffer
	encoder := json.NewEncoder(&out)
	encoder.SetEscapeHTML(false) // replies quote <addresses>
	encoder.SetIndent("", " ")
	check(encoder.Encode(entries))
	check(os.WriteFile(path, out.Bytes(), 0o644))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
