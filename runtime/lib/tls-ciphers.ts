// The TLS 1.2 cipher suites our HTTPS servers offer: ECDHE key exchange only (forward secrecy: a key
// stolen later does not decrypt recorded traffic) with AEAD ciphers. TLS 1.3's suites, listed first, all
// have forward secrecy. Node's default list also offers RSA key exchange (AES128-GCM-SHA256, ...).
export const FORWARD_SECRET_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');
