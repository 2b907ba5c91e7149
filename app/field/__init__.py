"""Field packages: a grid taken out to a laptop, and the laptop's visits brought back.

`container` is the file format (versioned, HMAC-signed, encrypted under a passphrase);
`identity` the township's identity and key; `tables` what travels and how a record is
compared across databases (by UUID); `checkout` writes a package at the office; `laptop` opens
it as the laptop's database and packs the return; `checkin` merges a return package back
(`outcome` what it found, `writing` the writes at the office).
"""
