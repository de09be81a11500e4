"""Certificates, keys and the DNS records that pin them.

tlsmaterial (load_chain, load_private_key, covers, validity: pure, on bytes), dnsrecords
(tlsa_record, dkim_record, parse_zone, compare), livecheck (check_live: the files a site names,
read under a root and reported at their site.yaml key). Needs the site model, nothing later.
"""
