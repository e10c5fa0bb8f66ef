/*
 * backend-cred.h - where backend.key is read from: systemd's credentials
 * or the backend's directory.
 *
 * Under systemd the data key need not lie in the state directory: with
 * LoadCredential=backend.key:/etc/credstore/orderdesk-backend.key (or
 * LoadCredentialEncrypted=, sealed with `systemd-creds encrypt` to the
 * machine's TPM or host key) systemd hands the service a copy in
 * $CREDENTIALS_DIRECTORY, readable by it alone, for as long as it runs.
 * When that copy is there the backend reads it instead of DIR/backend.key.
 */
#ifndef OD_BACKEND_CRED_H
#define OD_BACKEND_CRED_H

#define BACKEND_CRED_ENV "CREDENTIALS_DIRECTORY"

/*
 * The directory holding the backend's key file (named BACKEND_KEY_FILE):
 * $CREDENTIALS_DIRECTORY when it holds one, else dir.
 */
const char *backend_key_dir(const char *dir);

#endif
