// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package counters

// DefaultDomains are the recipient domains counted on their own unless
// metrics.domains says otherwise: the largest consumer mailbox providers,
// and those most used in Colombia and the rest of Latin America, where
// Opptima's senders mail. Where the list comes from is in the README
// ("Which domains are counted").
var DefaultDomains = []string{
	// The largest providers worldwide.
	"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com",
	"aol.com", "live.com", "msn.com", "me.com",
	// Microsoft's and Yahoo's Spanish-language and Latin American domains:
	// Hotmail/Outlook has long led in Latin America.
	"hotmail.es", "outlook.es", "yahoo.es", "live.com.mx", "yahoo.com.mx",
	"hotmail.com.ar", "yahoo.com.ar", "hotmail.com.br", "yahoo.com.br",
	// Colombian access providers' mailboxes.
	"une.net.co", "etb.net.co",
}
