/*
 * vfs-crypt-page.c - sealing and opening one page (the layout is in
 * vfs-crypt.h): AES-256-GCM with a fresh nonce per write, the page number
 * and the file's kind as associated data.
 */
#include "storage/vfs-crypt-internal.h"

#include <string.h>

#include "lib/secret.h"

/* Reads a big-endian 32-bit number. */
uint32_t vc_get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Reads a 32-bit number, big-endian if be, else little-endian. */
uint32_t vc_get_u32(const unsigned char *p, int be)
{
	if (be)
		return vc_get_be32(p);
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/* Returns whether n bytes at p are all zero. */
int vc_all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Makes an AES-256-GCM handle for key; a GnuTLS error code on failure. */
int vc_cipher_new(gnutls_aead_cipher_hd_t *h, const uint8_t *key)
{
	gnutls_datum_t k;

	k.data = (unsigned char *)key;
	k.size = VFS_CRYPT_KEY_LEN;
	return gnutls_aead_cipher_init(h, GNUTLS_CIPHER_AES_256_GCM, &k);
}

/* Fills the associated data for page pgno of a file of kind domain. */
static void page_ad(unsigned char ad[AD_LEN], uint32_t pgno,
		    unsigned char domain)
{
	ad[0] = (unsigned char)(pgno >> 24);
	ad[1] = (unsigned char)(pgno >> 16);
	ad[2] = (unsigned char)(pgno >> 8);
	ad[3] = (unsigned char)pgno;
	ad[4] = domain;
}

/*
 * Seals the plaintext page plain as page pgno into out (PAGE bytes):
 * ciphertext and tag as GnuTLS writes them, then a fresh random nonce.
 * Returns 0, or -1 if GnuTLS fails.
 */
int vc_page_seal(gnutls_aead_cipher_hd_t h, const unsigned char *plain,
		     uint32_t pgno, unsigned char domain, unsigned char *out)
{
	unsigned char ad[AD_LEN];
	size_t len = SEALED;

	page_ad(ad, pgno, domain);
	if (gnutls_rnd(GNUTLS_RND_NONCE, out + NONCE_AT,
		       VFS_CRYPT_NONCE_LEN) < 0)
		return -1;
	if (gnutls_aead_cipher_encrypt(h, out + NONCE_AT, VFS_CRYPT_NONCE_LEN,
				       ad, AD_LEN, VFS_CRYPT_TAG_LEN,
				       plain, BODY, out, &len) < 0 ||
	    len != SEALED)
		return -1;
	return 0;
}

/*
 * Opens the sealed page in as page pgno into out (PAGE bytes).  The reserved
 * bytes come back as zeros: SQLite checksums WAL frames over the whole page
 * as it holds it in memory, and zeros are what it wrote there.  Returns 0,
 * or -1 with out wiped if the tag does not check.
 */
int vc_page_open(gnutls_aead_cipher_hd_t h, const unsigned char *in,
		     uint32_t pgno, unsigned char domain, unsigned char *out)
{
	unsigned char ad[AD_LEN];
	size_t len = BODY;

	page_ad(ad, pgno, domain);
	if (gnutls_aead_cipher_decrypt(h, in + NONCE_AT, VFS_CRYPT_NONCE_LEN,
				       ad, AD_LEN, VFS_CRYPT_TAG_LEN,
				       in, SEALED, out, &len) < 0 ||
	    len != BODY) {
		/* Never hand on plaintext that did not authenticate. */
		secret_wipe(out, PAGE);
		return -1;
	}
	memset(out + BODY, 0, VFS_CRYPT_RESERVE);
	return 0;
}

/*
 * Checks that plaintext page pgno can be sealed without loss.  Page 1 must
 * say 4096-byte pages with room for nonce and tag: a reserve set too late
 * (DESIGN.md section 7) would otherwise have SQLite's own bytes overwritten.
 * The reserved bytes must be zero, as vc_page_open gives them back, or WAL
 * recovery would find the frame checksums wrong.  Refused with SQLITE_MISUSE:
 * it is orderdesk's bug, not the disk's, and the write simply fails and is
 * rolled back.
 */
int vc_page_check(const unsigned char *p, uint32_t pgno)
{
	unsigned size = (unsigned)p[16] << 8 | p[17];

	if (pgno == 1 && (size != PAGE || p[20] < VFS_CRYPT_RESERVE)) {
		sqlite3_log(SQLITE_MISUSE, "odcrypt: refusing page 1 with page "
			    "size %u and %u reserved bytes", size, p[20]);
		return SQLITE_MISUSE;
	}
	if (!vc_all_zero(p + BODY, VFS_CRYPT_RESERVE)) {
		sqlite3_log(SQLITE_MISUSE, "odcrypt: refusing page %u: data "
			    "in the reserved bytes", pgno);
		return SQLITE_MISUSE;
	}
	return SQLITE_OK;
}
