#!/usr/bin/env bash
# Issues the cluster's mutual-TLS files with openssl (README, "Security"): a CA in DIR (made once, kept), then one
# certificate and key per name: silos (server + client authentication) or, after --client, clients (client
# authentication only). An existing certificate is replaced: that is the rotation step before a rolling restart.
#   scripts/cluster-certs.sh DIR silo-1 silo-2 --client operator
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 DIR NAME... [--client NAME...]" >&2; exit 2; }
dir=$1; shift
days=${CLUSTER_CERT_DAYS:-365}
mkdir -p "$dir"
umask 077
if [[ ! -f "$dir/ca.crt" ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=user-events cluster CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  echo "cluster-certs: CA $dir/ca.crt (keep $dir/ca.key offline)" >&2
fi
usage=serverAuth,clientAuth
for name in "$@"; do
  if [[ $name == --client ]]; then usage=clientAuth; continue; fi
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days "$days" \
    -out "$dir/$name.crt" \
    -extfile <(printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n' "$usage") 2>/dev/null
  rm -f "$dir/$name.csr"
  echo "cluster-certs: $dir/$name.crt ($usage, $days days)" >&2
done
