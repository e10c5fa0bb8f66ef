/*
 * lsan-hooks.c - what LeakSanitizer is told, in one place.  These hooks are
 * read only by sanitizer builds; a plain build carries two unused strings.
 *
 * Each rule names a library whose own leak we cannot free, matched by the
 * library because those libraries have no frame pointers, so the fast
 * unwinder's stack ends inside them.  Nothing of ours allocates through
 * them, so our own leaks are still reported (dropping one free of ours in
 * a test still fails it).
 *  - SoftHSM2 2.6.1 (Debian 12) leaks an OpenSSL ASN.1 string in
 *    C_SignInit for every EdDSA signature (app/keys/sigtoken.c's tests);
 *    libcrypto is named too because such a stack often ends in it, and
 *    orderdesk's own code never calls OpenSSL.
 *  - fontconfig 2.14 loses one 256-byte block parsing its configuration,
 *    once a process, in the thread pango starts (app/paper/).
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *__lsan_default_suppressions(void)
{
	return "leak:libsofthsm2.so\n"
	       "leak:libcrypto.so\n"
	       "leak:libfontconfig.so\n";
}

/* Keeps the list of suppressions out of stderr: a refusal stays one line. */
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
