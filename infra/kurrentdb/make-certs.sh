#!/usr/bin/env bash
# KurrentDB's TLS certificates for compose.yml, made once per deployment with openssl:
#   certs/ca/ca.crt          the CA: KurrentDB trusts it, and every Rollcall role verifies the server with it
#   certs/ca-key/ca.key      the CA's private key: mounted nowhere; keep it offline once the node is signed
#   certs/node/node.crt|key  the node's certificate (CN rollcall-kurrentdb-node, the name compose.yml
#                            reserves for nodes) for the host names it is reached by
# Usage: bash infra/kurrentdb/make-certs.sh [extra DNS name ...]
# A cluster needs one node certificate per node, each with that node's names, signed by the same CA.
# Renew before the node certificate expires (DAYS, 825 by default): run it again with RENEW=1.
set -euo pipefail
cd "$(dirname "$0")"
out=certs
days=${DAYS:-825}
# The user KurrentDB's image runs as must read the node's key through the bind mount.
kurrent_uid=${KURRENTDB_UID:-1000}

if [ -e "$out/node/node.crt" ] && [ "${RENEW:-}" != 1 ]; then
  echo "$out/node/node.crt exists; RENEW=1 makes a new node certificate (and a CA if none)" >&2
  exit 0
fi
mkdir -p "$out/ca" "$out/ca-key" "$out/node"
chmod 700 "$out/ca-key"

if [ ! -e "$out/ca-key/ca.key" ]; then
  openssl genrsa -out "$out/ca-key/ca.key" 4096 2>/dev/null
  chmod 600 "$out/ca-key/ca.key"
  openssl req -x509 -new -key "$out/ca-key/ca.key" -sha256 -days 3650 -subj "/CN=Rollcall KurrentDB CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$out/ca/ca.crt"
fi

names="DNS:eventstore,DNS:localhost,IP:127.0.0.1"
for extra in "$@"; do names="$names,DNS:$extra"; done
openssl genrsa -out "$out/node/node.key" 2048 2>/dev/null
openssl req -new -key "$out/node/node.key" -subj "/CN=rollcall-kurrentdb-node" -out "$out/node/node.csr"
openssl x509 -req -in "$out/node/node.csr" -CA "$out/ca/ca.crt" -CAkey "$out/ca-key/ca.key" -CAcreateserial \
  -days "$days" -sha256 -out "$out/node/node.crt" -extfile <(printf '%s\n' \
    "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth,clientAuth" \
    "subjectAltName=$names") 2>/dev/null
rm -f "$out/node/node.csr" "$out/ca-key/ca.srl" "$out/ca/ca.srl"
openssl verify -CAfile "$out/ca/ca.crt" "$out/node/node.crt" >/dev/null

# Readable by the container's user only (and by this one); the CA certificate is public.
chmod 644 "$out/ca/ca.crt" "$out/node/node.crt"
chmod 600 "$out/node/node.key"
if [ "$(id -u)" = 0 ]; then
  chown "$kurrent_uid" "$out/node/node.key"
else
  # Without root the key cannot be given to the container's user: readable by all, in a folder of this machine.
  chmod 644 "$out/node/node.key"
  echo "not root: $out/node/node.key made readable by all so that KurrentDB (uid $kurrent_uid) can read it" >&2
fi
echo "KurrentDB certificates in $(pwd)/$out (node names: $names)"
