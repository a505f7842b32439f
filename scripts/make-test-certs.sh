#!/usr/bin/env bash
# Makes the TLS fixtures of the transport tests (__tests__/fixtures/tls/): a
# test CA, a server certificate it signs for the real API host names (so a
# local CONNECT proxy can stand in for the internet), and the bad ones: expired,
# self-signed, and one for another host; and a client certificate it signs,
# for the mutual-TLS tests. Run once; the output is committed, so tests never
# need openssl. Valid ones last 100 years.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/__tests__/fixtures/tls"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ext() { printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$1" > "$2"; }

key ca.key
openssl req -x509 -new -key ca.key -sha256 -days 36500 -subj '/CN=zilliz-import-wait test CA' \
  -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign' -out ca.pem

# Signs $1.csr with the CA into $1.pem, valid from $2 to $3 (openssl ca date format).
sign() {
  mkdir -p db && : > db/index && echo 1000 > db/serial
  cat > ca.cnf <<CNF
[ca]
default_ca = test
[test]
database = db/index
serial = db/serial
new_certs_dir = db
certificate = ca.pem
private_key = ca.key
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
CNF
  openssl ca -batch -config ca.cnf -notext -startdate "$2" -enddate "$3" -extfile "$1.ext" \
    -in "$1.csr" -out "$1.pem" 2>/dev/null
}

hosts='DNS:controller.api.gcp-us-west1.zillizcloud.com,DNS:api.cloud.zilliz.com,DNS:milvus.test,DNS:localhost,IP:127.0.0.1'
key server.key
openssl req -new -key server.key -subj '/CN=localhost' -out server.csr
ext "$hosts" server.ext
sign server 20250101000000Z 21241231000000Z

key expired.key
openssl req -new -key expired.key -subj '/CN=localhost' -out expired.csr
ext 'DNS:localhost,IP:127.0.0.1' expired.ext
sign expired 20200101000000Z 20210101000000Z

key other-host.key
openssl req -new -key other-host.key -subj '/CN=other.example' -out other-host.csr
ext 'DNS:other.example' other-host.ext
sign other-host 20250101000000Z 21241231000000Z

key self-signed.key
ext 'DNS:localhost,IP:127.0.0.1' self-signed.ext
openssl req -x509 -new -key self-signed.key -sha256 -days 36500 -subj '/CN=localhost' \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out self-signed.pem

# A client certificate for mutual TLS (clientAuth), signed by the same CA.
key client.key
openssl req -new -key client.key -subj '/CN=zilliz-import-wait test client' -out client.csr
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n' > client.ext
sign client 20250101000000Z 21241231000000Z

cp ca.pem server.pem server.key expired.pem expired.key other-host.pem other-host.key \
  self-signed.pem self-signed.key client.pem client.key "$out/"
echo "wrote $out"
