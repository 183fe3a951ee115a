// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package bounce

// rule says when a reply gives a reason. Its evidence comes in kinds, and
// when a reply holds evidence for several reasons the more specific kind
// wins, whatever the rule (README, "Why it bounced"):
//
//  1. a user's rule (config bounce_rules), in their order;
//  2. providerStatuses: a provider's own enhanced status code, meaning what
//     that provider's documentation says (Microsoft 365's 5.7.508 is a
//     blocked IP range, not RFC 7372's X.7.x family), since the code was
//     chosen for that one cause;
//  3. phrases that name one cause ("spamhaus", "storage allocation"), and
//     families of the wordings of one cause ("mailbox ~ full", below);
//  4. statuses: an RFC 3463 code with its detail (X.2.2 "mailbox full");
//     a code is often reused loosely, so a phrase that names the cause
//     overrides it ("4.7.23 ... does not have a PTR record");
//  5. symptoms: phrases that say what happened, not why ("blocked",
//     "connection refused", "does not exist"), weaker than a code;
//  6. a status's subject alone ("X.7.*") and the basic reply code.
//
// Within a kind, the rule written first wins. Phrases are matched on words,
// not on the whole reply: case, the diacritics of Latin letters (fold.go),
// punctuation, line continuations ("550-5.7.1 ") and numbers are ignored, so
// "Mailbox Full" matches "...>... mailbox full (state 14)" and "buzón lleno"
// matches "BUZON LLENO". A "*" stands for one to three other words. Statuses are
// written "X.subject.detail", X being 4 or 5, since the class says hard or
// soft, not why; "X.6.*" is every detail, "X.7.606-649" a range.
//
// A family holds the many wordings of one cause: "mailbox|inbox ~
// full|lleno" is a word (or words) of the left side and one of the right
// within three words of each other, in either order ("mailbox is full",
// "buzón lleno", "full mailbox"). It ranks after its rule's own phrases and
// before the next rule's, and opptima.bounce.rule names the two words that
// matched.
type rule struct {
	name             string // what opptima.bounce.rule says, with the evidence
	reason           string
	providerStatuses []string
	phrases          []string
	families         []string // "a|b ~ c|d": a word of each side within three words, in either order
	statuses         []string
	symptoms         []string
	codes            []int
	why              string

	category string // from reason, filled in when the table is compiled
}

var rules = []rule{
	// The sending side, named outright. These replies often also speak of
	// spam, blocks or rates, so they go first.
	{name: "auth", reason: ReasonAuthFailure,
		phrases: []string{"dmarc", "spf", "dkim", "domainkeys", "unauthenticated email", "sender is unauthenticated",
			"sender policy framework", "authentication checks"},
		statuses:         []string{"X.7.20", "X.7.21", "X.7.22", "X.7.23", "X.7.24", "X.7.26"},
		providerStatuses: []string{"X.7.509"},
		why:              "SPF, DKIM or DMARC did not pass: RFC 7372 X.7.20-24, Gmail X.7.26, Microsoft 365 X.7.509"},
	{name: "ptr", reason: ReasonRequirePTR,
		phrases:  []string{"rdns", "cannot find your hostname", "unverifyable sending", "unverifiable sending", "does not have a ptr", "no ptr"},
		families: []string{"reverse|ptr|rdns ~ dns|hostname|host name|record|lookup|mapping|resolve"},
		statuses: []string{"X.7.25"},
		why:      "no or mismatched reverse DNS for the sending IP: RFC 7372 X.7.25 (Gmail), Comcast, GMX, Postfix, Exim"},
	{name: "blocklist", reason: ReasonBlocked,
		phrases: []string{"blacklisted", "blocklisted", "blacklist", "blocklist", "block list", "black list",
			"denylist", "blocked using", "listed at", "listed in", "listed on", "dnsbl", "rbl", "rbls", "bl",
			"spamhaus", "spamcop", "abuseat", "barracudacentral", "sorbs", "lista negra", "liste noire"},
		families: []string{
			"ip|address|host|sender|server ~ blacklisted|blocklisted|black listed|block listed|blacklist|blocklist|black list|block list|denylist",
			"found|listed|appears|appear ~ rbl|rbls|dnsbl|dnsbls|blocklist|blocklists|blacklist|blacklists|spamhaus|spamcop",
		},
		why: "the sending IP is on a block list (DNSBL), even where the list is a reputation service; before 'reputation'"},
	{name: "reputation", reason: ReasonBadReputation,
		phrases:          []string{"reputation", "unexpected volume", "tss04", "ts01"},
		providerStatuses: []string{"X.7.650", "X.7.651", "X.7.652"},
		families: []string{
			"complaints|complaint ~ user|users|spam|high|rate|excessive|too many|quejas|reclamacoes|plaintes",
		},
		why: "the sending IP or domain has a poor reputation: Microsoft 365 X.7.650-652 (even where they speak of a rate limit), Yahoo TS01/TSS04 (complaints, unexpected volume)"},
	{name: "connections", reason: ReasonTooManyConn,
		phrases: []string{"denial of service"},
		families: []string{
			"too many|maximum|limit|limited|frequency|exceeded|excessive|demasiadas|muitas|trop de ~ connections|connection|sessions|session|concurrent|conexiones|conexoes|connexions",
			"ip ~ frequency",
		},
		why: "too many connections or sessions at once (QQ's frequency limits, Gmail's DoS guard, Orange)"},
	{name: "rate", reason: ReasonSpeeding,
		phrases: []string{"rate limited", "rate limit", "rate limits", "rate limiting", "rate that prevents",
			"receiving mail at a rate", "too quickly", "unusual rate", "excessive message rate",
			"throttled", "throttling", "message quota", "per hour"},
		families: []string{
			"too many|excessive|unusual|demasiados|demasiadas|muitas|muitos|trop de ~ messages|mails|emails|recipients|mensajes|correos|mensagens|envios|destinatarios",
			"daily|hourly|per hour|per day|sending|relay|receive|diario|diaria|envio|envios|por hora|por dia ~ limit|limits|quota|rate|limite|cuota|cota|tasa|taxa",
			"too quickly|too fast|too often ~ mail|messages|emails|sending|receiving",
		},
		statuses:         []string{"X.7.28"},
		providerStatuses: []string{"X.2.121", "X.2.122", "X.1.90"},
		why: "too many messages or recipients in a period: Gmail's 'rate that prevents' and 'receiving mail too quickly' (under X.2.1), " +
			"its daily sending quotas (X.4.5) and X.7.28, Microsoft 365's hourly and daily limits (X.2.121-122, X.1.90), Yahoo, SES throttling; " +
			"'too many recipients' in one message is a volume to slow down, not an address problem"},
	{name: "sender", reason: ReasonRejected,
		phrases: []string{"verification failed",
			"sender domain", "envelope sender", "domain of sender address",
			"not a registered gateway", "sender denied", "bad outbound sender", "unregistered domains", "blocked senders",
			"purported responsible address"},
		statuses:         []string{"X.1.7", "X.1.8"},
		providerStatuses: []string{"X.7.750"},
		families: []string{
			"sender|sender address|sender domain|mail from|envelope from|from address|remitente|remetente|expediteur ~ rejected|refused|verify failed|verification failed|verification|unverified|invalid|rechazado|rechazada|recusado|recusada|rejeitado|rejeitada|bloqueado|bloqueada|no autorizado|nao autorizado|refuse",
		},
		why: "the envelope sender or its domain was refused (RFC 3463 X.1.7 and X.1.8 are about the sender, even where they say " +
			"'no such domain'; Microsoft 365 X.7.750 unregistered domains; Mimecast's Blocked Senders)"},
	{name: "mailer", reason: ReasonMailerError,
		phrases: []string{"procmail", "mailer error", "delivery program", "command died", "pipe to", "maildrop"},
		why:     "the local delivery program failed; its text often quotes a lower-level 'no such user'"},

	// Delivery attempts that ran out, and the way to the domain. The
	// resolver's texts say "not found", so they go before the mailbox.
	{name: "expired", reason: ReasonExpired,
		phrases: []string{"expired", "connection timed out", "timed out", "retry timeout exceeded", "retry time",
			"unable to deliver in", "delivery time", "could not be delivered for"},
		families:         []string{"queue ~ too long"},
		providerStatuses: []string{"X.4.300"},
		why:              "retried until the delivery time limit ran out (Postfix, Exim, Sendmail, Amazon SES, Microsoft 365 X.4.300)"},
	{name: "network", reason: ReasonNetworkError,
		phrases:          []string{"no route to host", "routing loop", "loops back to", "network is unreachable", "host unreachable", "temporary lookup failure", "establish an smtp connection"},
		symptoms:         []string{"connection refused"},
		providerStatuses: []string{"X.4.312", "X.4.14"},
		families: []string{
			"dns|mx ~ error|errors|query failed|servfail|timeout",
			"too many|count|exceeded|mail ~ hops|hop|loop|loops",
		},
		why: "DNS failure, no route, a loop, a refused connection ('connection refused' only as a symptom: block lists refuse " +
			"connections too, and Microsoft's X.4.316 says 'expired, connection refused'); Microsoft 365 X.4.312, X.4.14"},
	{name: "no-mail", reason: ReasonNotAccept,
		phrases: []string{"null mx", "no mx record",
			"malformed or unexpected name server reply"},
		statuses: []string{"X.1.10", "X.7.27"},
		families: []string{
			"does not accept|not accepting|accepts no|no longer accepts ~ mail|email|messages",
		},
		why: "the domain takes no mail (RFC 7505 null MX: X.1.10, X.7.27; Microsoft's own X.1.10 says 'recipient not found', a phrase that wins)"},
	{name: "domain", reason: ReasonHostUnknown,
		phrases: []string{"host unknown", "unknown host", "host not found", "host * not found",
			"invalid domain", "domain name not found",
			"unrouteable", "unroutable", "name or service not known", "non-existent hosts", "find the recipient domain",
			"find any host"},
		families: []string{"domain ~ couldn't be found|could not be found"},
		symptoms: []string{"no such domain", "domain not found", "domain does not exist", "domain * does not exist",
			"dominio no existe", "dominio nao existe", "dominio inexistente", "dominio no encontrado", "dominio nao encontrado"},
		providerStatuses: []string{"X.4.310"},
		why: "the recipient's domain does not exist or has no mail server (Microsoft 365 X.4.310); 'no such domain' and 'domain does not exist' alone " +
			"do not say whose, so RFC 3463 X.1.7/X.1.8 (the sender's) override them"},

	{name: "syntax", reason: ReasonSyntaxError,
		phrases: []string{"syntax error", "bad recipient address syntax", "address syntax", "not a valid rfc address",
			"command parameter not implemented", "command not implemented", "command not recognized", "unrecognized command"},
		why: "a malformed address or SMTP command: Sisimai's one reason for both, and the labels follow it (README)"},

	// The recipient's mailbox, in the words that name one cause.
	{name: "quota", reason: ReasonMailboxFull,
		phrases: []string{"storage allocation", "out of storage", "insufficient storage",
			"storage space"},
		families: []string{
			"mailbox|inbox|mail box|account|mailfolder|folder|buzon|casilla|caixa postal|caixa|boite|postfach|storage ~ full|exceeded|size limit|lleno|llena|cheia|cheio|lotada|lotado|sin espacio|sem espaco|pleine|voll",
			"quota|cuota|cota ~ exceeded|exceeds|exceed|over|full|reached|superada|superado|excedida|excedido|depassee|depasse",
		},
		why: "the mailbox is over its quota (also in Spanish, Portuguese, French and German); after the sending quotas of 'rate'"},
	{name: "recipient-size", reason: ReasonExceedLimit,
		phrases: []string{"recipsizelimit", "too large for this recipient", "exceeds * recipient", "recipient's size limit"},
		why:     "larger than the recipient's own limit (Exchange RESOLVER.RST.RecipSizeLimit); before message_too_big"},
	{name: "disabled", reason: ReasonSuspend,
		phrases: []string{"discontinued", "is inactive", "account is blocked",
			"is disabled", "not active"},
		families: []string{
			"account|mailbox|user|cuenta|conta|compte|buzon ~ disabled|deactivated|locked|suspended|inactive|discontinued|deshabilitada|deshabilitado|desactivada|desactivado|desativada|desativado|suspendida|suspendido|suspensa|suspenso|inactiva|inactivo|inativa|inativo|bloque|bloqueada|bloqueado",
		},
		statuses: []string{"X.7.13"},
		why:      "the mailbox exists but is disabled, locked or inactive ('account is blocked' is the mailbox, not the sender; RFC 4954 X.7.13 'user account disabled')"},
	{name: "group-restriction", reason: ReasonFiltered,
		phrases: []string{"recipnotauthorized", "notauthorized", "sendernotauthenticatedforgroup", "sendernotauthenticatedformailbox",
			"allowed-senders", "allowed senders", "not authenticated by organization", "delivery not authorized",
			"delivery restriction", "not authorized to send to this", "restricted to", "only accepts mail from"},
		providerStatuses: []string{"X.7.12", "X.7.14", "X.7.124", "X.7.133", "X.7.134", "X.7.135", "X.7.136"},
		why: "the recipient accepts mail only from some senders: Exchange groups and mailboxes with delivery restrictions " +
			"(RESOLVER.RST.NotAuthorized, X.7.12, X.7.14, X.7.124, X.7.133-136); the recipient's settings, so filtered"},
	{name: "no-such-user", reason: ReasonUserUnknown,
		phrases: []string{"no such person", "no such address", "unknown address",
			"address unknown", "unknown or illegal", "unknown local part", "recipnotfound", "recipientnotfound",
			"exrecipnotfound", "mailbox unavailable",
			"mailbox is unavailable", "invalid recipient", "invalid mailbox", "invalid address", "not a valid recipient",
			"not a valid mailbox", "bad recipient", "bad destination mailbox", "address rejected access denied", "no mailbox",
			"doesn't have a * account", "no longer valid", "destino inexistente", "adresse inconnue", "destinataire invalide"},
		symptoms: []string{"does not exist", "address rejected"},
		families: []string{
			"recipient|user|mailbox|account|alias|addressee|username|destinatario|usuario|utilisateur ~ unknown|does not exist|doesn't exist|not exist|no such|not found|inexistente|desconocido|desconhecido|inconnu",
			"destinatario|usuario|cuenta|conta|direccion|endereco|buzon|casilla|caixa ~ no existe|nao existe|inexistente|desconocida|desconhecida|invalido|invalida|no valido|no valida|no disponible|nao disponivel|indisponivel|no encontrado|no encontrada|nao encontrado|nao encontrada",
			"address ~ couldn't be found|could not be found|not found",
		},
		why: "no such mailbox at that domain, also in Spanish and Portuguese (Gmail's 'the address couldn't be found'); 'Recipient address rejected:' is Postfix's " +
			"rejection of the recipient, a symptom, since what follows often names another cause ('Internal system error'); " +
			"Microsoft 365's 'Recipient address rejected: Access denied' (5.4.1) is its directory's unknown recipient"},
	{name: "moved", reason: ReasonHasMoved,
		phrases: []string{"has moved", "no longer at this address"},
		codes:   []int{551},
		why:     "the recipient moved (RFC 5321 551 'user not local'; Comcast's 'not our customer' under 5.1.1 is an unknown user)"},
	{name: "filter", reason: ReasonFiltered,
		phrases: []string{"filtered", "refused by recipient's filter", "rejected by the recipient", "rejected by recipient"},
		why:     "the recipient's own filters refused it"},

	// The receiving server's policy towards the sender.
	{name: "relay", reason: ReasonNoRelaying,
		phrases: []string{"relay access denied", "relaying denied", "relay not permitted", "not permitted to relay",
			"relaying not allowed", "unable to relay", "relay not allowed", "email address is not verified",
			"mail relay denied", "allowed rcpthosts", "no relaying"},
		families:         []string{"relay|relaying ~ no permitido|nao permitido|denegado|negado|no autorizado|nao autorizado"},
		providerStatuses: []string{"X.7.64", "X.7.54"},
		why:              "the server does not relay for that domain (qmail rcpthosts, Amazon SES unverified identities, Microsoft 365 X.7.54, X.7.64); before 'access denied'"},
	{name: "attachment", reason: ReasonContentError,
		families: []string{
			"attachment|attachments|adjunto|adjuntos|anexo|anexos|file type|executable ~ not allowed|prohibited|banned|blocked|forbidden|unacceptable|no permitido|nao permitido",
		},
		why: "an attachment the receiving side refuses; the message must change, so before the sender's bans"},
	{name: "banned", reason: ReasonBlocked,
		phrases: []string{"blocked by", "blocked for abuse", "banned", "not allowed to send", "your ip", "service refused", "service refusé", "service refuse",
			"not in the whitelist", "not in whitelist", "whitelist", "exceeded permitted limits", "envelope blocked",
			"traffic not accepted", "part of their network", "ip address is black", "your isp"},
		providerStatuses: []string{"X.7.508", "X.7.511", "X.7.513", "X.7.606-649", "X.7.708"},
		families: []string{
			"ip|ips|sending ip|client ip|client host|netblock|ip range ~ blocked|banned|blacklisted|blocklisted|rejected|refused|denied|not allowed|bloqueada|bloqueado|bloquee|rechazada|recusado",
			"dynamic|dinamica|dinamico|dynamique ~ ip|ips|address|addresses|range|pool|host|hosts",
		},
		why: "the server refuses the sending IP or host: bans, allow lists, dynamic (residential) IPs told to use their ISP's server, Orange's 'service refusé'; Microsoft 365 X.7.508 " +
			"(an IP range over its limits), X.7.511, X.7.513, X.7.606-649, X.7.708"},
	{name: "rfc", reason: ReasonNotCompliantRFC,
		phrases: []string{"multiple addresses in from", "rfc5322", "rfc2822", "rfc822", "rfc * compliant",
			"not rfc compliant", "not compliant", "duplicate header", "duplicated header", "multiple from",
			"multiple addresses", "message-id header", "message id header"},
		providerStatuses: []string{"X.7.512"},
		why:              "the message breaks the mail RFCs (Gmail's 'multiple addresses in From: header', a missing Message-ID; Microsoft 365 X.7.512)"},
	{name: "virus", reason: ReasonVirusDetected,
		phrases: []string{"virus", "malware", "infected", "trojan", "malicious"},
		why:     "the content carried malware"},
	{name: "spam", reason: ReasonSpamDetected,
		phrases: []string{"spam", "ube", "uce", "junk mail", "content rejected", "bulk mail", "unsolicited",
			"content filtering", "spam points", "correo no deseado", "mensaje no deseado", "correo basura",
			"mensagem indesejada", "lixo eletronico"},
		why: "the content was judged to be spam (UBE, UCE: unsolicited bulk or commercial email; 'correo no deseado', 'mensagem indesejada')"},
	{name: "policy", reason: ReasonPolicyViolation,
		phrases: []string{"violation of * policy", "content presents a potential", "header error", "intent analysis", "host network not allowed"},
		families: []string{
			"policy|policies|politica|politique ~ violation|violates|violated|reasons|rejection|restrictions|prohibited|prohibits|local|security|not accepted|denied|not allowed|viola|violacion",
		},
		why: "a policy of the receiving side (Yahoo's 'policy reasons', Gmail's 'potential security issue', Mimecast's security policies)"},
	{name: "size", reason: ReasonMessageTooBig,
		phrases: []string{"message length exceeds"},
		families: []string{
			"size|tamano|tamanho|taille ~ limit|limits|exceeds|exceeded|maximum|too large|too big|excede|excedido|excedida|maximo|limite",
			"message|email|mail|mensaje|mensagem|correo ~ too large|too big|demasiado grande|muito grande|trop gros|trop volumineux",
		},
		why: "larger than the receiving server's size limit"},
	{name: "content", reason: ReasonContentError,
		phrases: []string{"bit data", "improper use", "malformed message", "message is malformed", "invalid header",
			"illegal header", "message header", "bare linefeeds", "barelinefeeds", "header is too big",
			"invalid characters"},
		why: "malformed or refused content: headers, 8-bit data, MIME, bare line feeds"},
	{name: "tls", reason: ReasonFailedSTARTTLS,
		phrases:  []string{"starttls", "tls negotiation", "tls handshake", "must use tls"},
		families: []string{"tls ~ required|requires|mandatory|obligatorio|obrigatorio"},
		statuses: []string{"X.7.10", "X.7.11"},
		why:      "TLS could not be negotiated, or the server requires it: the sending side must speak TLS (RFC 3207; RFC 5248 X.7.10)"},
	{name: "smtp-auth", reason: ReasonSecurityError,
		phrases: []string{"unauthenticated senders", "authentication required", "authentication is required",
			"must authenticate", "not authorized to send", "encryption required", "anonymous mail",
			"username and password not accepted"},
		families: []string{"autenticacion|autenticacao ~ requerida|requerido|obligatoria|obrigatoria|necesaria|necessaria"},
		why:      "SMTP authentication required (also in Spanish and Portuguese); not the SPF/DKIM/DMARC of auth_failure"},

	// The receiving server itself.
	{name: "system-full", reason: ReasonSystemFull,
		phrases:  []string{"insufficient system storage", "out of disk", "disk full", "system full", "no space left"},
		families: []string{"insufficient ~ resources|disk"},
		statuses: []string{"X.3.1"},
		why:      "the receiving server is out of disk or resources (RFC 3463 X.3.1 'mail system full'; Exchange's 'insufficient system resources', Sendmail's 'insufficient disk space')"},
	{name: "system", reason: ReasonSystemError,
		phrases: []string{"local error", "ldap",
			"temporarily unavailable", "temporary failure", "too busy", "write error",
			"temporarily rejected"},
		symptoms: []string{"transaction failed"},
		families: []string{
			"system|server|internal|mailbox server ~ error|busy|failure|unavailable",
			"temporary|local|technical|tecnico ~ problem|problems|problema|problemas",
			"servidor ~ ocupado|error|falla|fallo|erro|falha|no disponible|indisponible|indisponivel",
			"error|errores|fallo|falla|erro|falha ~ temporal|temporario|temporaria|interno|interna",
		},
		why: "an error or a temporary problem on the receiving server, its directory included (also in Spanish and Portuguese)"},

	// Phrases that say what happened, not why: weaker than a code.
	{name: "blocked", reason: ReasonBlocked,
		symptoms: []string{"blocked", "access denied", "denied access", "refused",
			"rechazado", "rechazada", "rejeitado", "rejeitada", "recusado", "recusada"},
		why: "'blocked', 'access denied', 'refused' (also in Spanish and Portuguese) alone, once no phrase or code said why"},

	// Codes alone, when no phrase above said more. RFC 3463 subjects and
	// details, then RFC 5321 reply codes.
	{name: "rfc3463", reason: ReasonUserUnknown, statuses: []string{"X.1.1", "X.1.0"},
		why: "RFC 3463 X.1.1 'bad destination mailbox address', X.1.0 'other address status'"},
	{name: "rfc3463", reason: ReasonSyntaxError, statuses: []string{"X.1.3"},
		why: "RFC 3463 X.1.3 'bad destination mailbox address syntax'"},
	{name: "rfc3463", reason: ReasonHostUnknown, statuses: []string{"X.1.2", "X.4.4"},
		why: "RFC 3463 X.1.2 'bad destination system address', X.4.4 'unable to route'"},
	{name: "rfc3463", reason: ReasonHasMoved, statuses: []string{"X.1.6"},
		why: "RFC 3463 X.1.6 'destination mailbox has moved'"},
	{name: "rfc3463", reason: ReasonSuspend, statuses: []string{"X.2.1"},
		why: "RFC 3463 X.2.1 'mailbox disabled, not accepting messages'"},
	{name: "rfc3463", reason: ReasonMailboxFull, statuses: []string{"X.2.2"},
		why: "RFC 3463 X.2.2 'mailbox full'"},
	{name: "rfc3463", reason: ReasonExceedLimit, statuses: []string{"X.2.3"},
		why: "RFC 3463 X.2.3 'message length exceeds administrative limit'"},
	{name: "rfc3463", reason: ReasonMessageTooBig, statuses: []string{"X.3.4"},
		why: "RFC 3463 X.3.4 'message too big for system'"},
	{name: "rfc3463", reason: ReasonSystemError, statuses: []string{"X.3.0", "X.3.2", "X.3.5", "X.4.3"},
		why: "RFC 3463 X.3.x 'mail system status', X.4.3 'directory server failure'"},
	{name: "rfc3463", reason: ReasonNetworkError, statuses: []string{"X.4.1", "X.4.2", "X.4.6"},
		why: "RFC 3463 X.4.1 'no answer from host', X.4.2 'bad connection', X.4.6 'routing loop detected'"},
	{name: "rfc3463", reason: ReasonExpired, statuses: []string{"X.4.7"},
		why: "RFC 3463 X.4.7 'delivery time expired'"},
	{name: "rfc3463", reason: ReasonSyntaxError, statuses: []string{"X.5.2", "X.5.4"},
		why: "RFC 3463 X.5.2 'syntax error', X.5.4 'invalid command arguments'"},
	{name: "rfc3463", reason: ReasonContentError, statuses: []string{"X.6.*"},
		why: "RFC 3463 X.6.x 'message content or media status'"},
	{name: "rfc3463", reason: ReasonSecurityError, statuses: []string{"X.7.*"},
		why: "RFC 3463 X.7.x 'security or policy status', when nothing above named the policy"},
	{name: "rfc5321", reason: ReasonMailboxFull, codes: []int{552},
		why: "RFC 5321 552 'exceeded storage allocation'"},
	{name: "rfc5321", reason: ReasonSyntaxError, codes: []int{500, 501, 502, 503, 504},
		why: "RFC 5321 500-504: syntax errors and unknown commands or parameters"},
}
