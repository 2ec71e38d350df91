#!/usr/bin/env python3
"""Makes the example exports in this directory (one per `clerkctl users import --from` format)
with real hashing libraries, and passwords.csv, the known password of every example user.

Run by hand, once; the files are committed and the tests import them:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install bcrypt==5.0.0 firebase-scrypt==0.1.0
    /tmp/venv/bin/python docs/migrations/make.py

Each run makes new salts, so new files: commit them together.
"""

import base64
import csv
import json
import os
import secrets

import bcrypt
import firebase_scrypt

HERE = os.path.dirname(os.path.abspath(__file__))
credentials = []  # (email, password)


def b64(b):
    return base64.b64encode(b).decode()


def bc(password):
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(10)).decode()


def out(name):
    return open(os.path.join(HERE, name), "w", newline="")


# ---- Clerk's dashboard export (CSV) ----------------------------------------------------------
with out("clerk.csv") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "first_name", "last_name", "username", "primary_email_address",
                "primary_phone_number", "verified_email_addresses", "unverified_email_addresses",
                "verified_phone_numbers", "unverified_phone_numbers", "totp_secret",
                "password_digest", "password_hasher"])
    pw = "clerk-ada correct horse"
    w.writerow(["user_2aDaLoveLaceExample00000", "Ada", "Lovelace", "ada_lovelace",
                "ada@clerk.example.com", "+15555550101",
                "ada@clerk.example.com,ada.l@clerk.example.com", "ada.old@clerk.example.com",
                "+15555550101", "", "", bc(pw), "bcrypt"])
    credentials.append(("ada@clerk.example.com", pw))
    w.writerow(["user_2gRaceHopperExample00000", "Grace", "Hopper", "", "grace@clerk.example.com",
                "", "grace@clerk.example.com", "", "", "", "", "", ""])

# ---- Auth0: the bulk user export (ndjson) and the hashes Auth0 support exports ---------------
users, hashes = [], []
for oid, email, verified, given, family, pw in [
    ("65a1f0c2e4b0a1b2c3d4e5f6", "linus@auth0.example.com", True, "Linus", "T", "auth0 linus pw"),
    ("65a1f0c2e4b0a1b2c3d4e5f7", "margaret@auth0.example.com", False, "Margaret", "H", "auth0 margaret pw"),
]:
    users.append({"user_id": f"auth0|{oid}", "email": email, "email_verified": verified,
                  "given_name": given, "family_name": family, "name": f"{given} {family}",
                  "created_at": "2023-04-05T06:07:08.123Z"})
    hashes.append({"_id": {"$oid": oid}, "email": email, "email_verified": verified,
                   "passwordHash": bc(pw), "password_set_date": {"$date": "2023-04-05T06:07:08.123Z"},
                   "tenant": "example", "connection": "Username-Password-Authentication"})
    credentials.append((email, pw))
with out("auth0.ndjson") as f:
    f.writelines(json.dumps(u) + "\n" for u in users)
with out("auth0-password-hashes.ndjson") as f:
    f.writelines(json.dumps(h) + "\n" for h in hashes)

# ---- Firebase: auth:export JSON and the project's hash parameters -----------------------------
signer_key = b64(secrets.token_bytes(64))
separator, rounds, mem_cost = "Bw==", 8, 14
with out("firebase-hash-config.json") as f:
    json.dump({"hash_config": {"algorithm": "SCRYPT", "base64_signer_key": signer_key,
                               "base64_salt_separator": separator, "rounds": rounds,
                               "mem_cost": mem_cost}}, f, indent=2)
    f.write("\n")
fb_users = []
for local_id, email, verified, name, pw in [
    ("Kx1rQ7aBcDeFgHiJkLmNoPqRsT12", "katherine@firebase.example.com", True, "Katherine Johnson", "firebase katherine pw"),
    ("Zz9yX8wVuTsRqPoNmLkJiHgFeD34", "dorothy@firebase.example.com", False, "Dorothy Vaughan", "firebase dorothy pw"),
]:
    salt = b64(secrets.token_bytes(12))
    key = firebase_scrypt.generate_derived_key(pw, salt, separator, rounds, mem_cost)
    h = b64(firebase_scrypt.encrypt(base64.b64decode(signer_key), key))
    assert firebase_scrypt.verify_password(pw, h, salt, separator, signer_key, rounds, mem_cost)
    fb_users.append({"localId": local_id, "email": email, "emailVerified": verified,
                     "passwordHash": h, "salt": salt, "displayName": name,
                     "createdAt": "1680674828123", "lastSignedInAt": "1700000000000",
                     "providerUserInfo": [{"providerId": "password", "email": email}]})
    credentials.append((email, pw))
with out("firebase.json") as f:
    json.dump({"users": fb_users}, f, indent=2)
    f.write("\n")

# ---- Supabase: auth.users as CSV --------------------------------------------------------------
with out("supabase.csv") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "email", "encrypted_password", "email_confirmed_at", "phone",
                "phone_confirmed_at", "created_at", "raw_user_meta_data"])
    for uid, email, confirmed, pw in [
        ("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "hedy@supabase.example.com", "2024-01-02 03:04:05.123+00", "supabase hedy pw"),
        ("7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "radia@supabase.example.com", "", "supabase radia pw"),
    ]:
        # Supabase's GoTrue writes $2a$ bcrypt hashes, cost 10.
        digest = bcrypt.hashpw(pw.encode(), bcrypt.gensalt(10, prefix=b"2a")).decode()
        w.writerow([uid, email, digest, confirmed, "", "", "2024-01-01 00:00:00+00",
                    json.dumps({"first_name": email.split("@")[0].title()})])
        credentials.append((email, pw))

# ---- The known passwords, for `clerkctl users verify-passwords` -------------------------------
with out("passwords.csv") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["email", "password"])
    w.writerows(credentials)
