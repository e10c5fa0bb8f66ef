/*
 * lsan.h - what LeakSanitizer passes over in sanitizer builds: leaks
 * inside libraries, not ours to free.  Matched by library, since their
 * stacks, unwound fast, end inside them.  Nothing of ours allocates
 * through them, so our own leaks are still reported.
 *
 *   - SoftHSM2 2.6.1 (Debian 12) leaks an OpenSSL ASN.1 string in
 *     C_SignInit for every EdDSA signature (app/keys/sigtoken.c);
 *     orderdesk never calls OpenSSL itself;
 *   - fontconfig 2.14 loses 256 bytes parsing its configuration, once a
 *     process, in the thread pango starts (app/paper/doc.c).
 *
 * Each of those files defines the hook weak, with this one list, so that
 * either or both may be linked into a program.
 */
#ifndef OD_LSAN_H
#define OD_LSAN_H

#define OD_LSAN_SUPPRESSIONS \
	"leak:libsofthsm2.so\nleak:libcrypto.so\nleak:libfontconfig.so\n"

#endif
