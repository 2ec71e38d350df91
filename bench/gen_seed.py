#!/usr/bin/env python3
"""Writes a seed file of N realistic users for `clerkctl emulator --seed`, and their IDs.

    bench/gen_seed.py --users 100000 --out bench/out/seed-100k.json --ids bench/out/ids-100k.txt

Deterministic for a given --random-seed. Every user has an email address and a name; some have
a second address, a phone number, a username, an external ID, a bcrypt password digest,
metadata, activity times or a Google account, in proportions a real instance might show. IDs are
Clerk-shaped (`user_` + 27 base62 digits) and, like Clerk's KSUIDs, sort by `created_at`.
"""

import argparse
import datetime
import json
import random
import sys
import unicodedata

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
KSUID_EPOCH = 1_400_000_000

FIRST = (
    "Ada Alan Grace Linus Margaret Ken Barbara Dennis Frances Edsger Radia Donald Sophie Tim "
    "Hedy Niklaus Katherine John Anita Bjarne Guido Mary Yukihiro Lynn Rasmus Shafi Leslie "
    "Jean Fernando Adele Vint Whitfield Evelyn Brian Joan Ivan Marian Robin Sara Amir Mei "
    "Olusegun Priya Mateo Ingrid Kwame Aiko Lucía Zoë Björn Chloé"
).split()
LAST = (
    "Lovelace Turing Hopper Torvalds Hamilton Thompson Liskov Ritchie Allen Dijkstra Perlman "
    "Knuth Wilson Berners-Lee Lamarr Wirth Johnson McCarthy Borg Stroustrup van-Rossum Shaw "
    "Matsumoto Conway Lerdorf Goldwasser Lamport Sammet Corbató Goldberg Cerf Diffie Boyd Kernighan "
    "Clarke Sutherland Croak Milner Haddad Chen Okafor Sharma García Nilsson Mensah Tanaka "
    "Fernández Müller Østergaard Dubois"
).split()
DOMAINS = (
    "example.com example.org example.net mail.example.com corp.example acme.example "
    "globex.example initech.example umbrella.example hooli.example"
).split()
PLANS = ["free", "free", "free", "pro", "pro", "team", "enterprise"]
SOURCES = ["organic", "ads", "referral", "partner", "import"]


def ksuid_user_id(rng: random.Random, created_ms: int, seq: int) -> str:
    """`user_` + 27 base62 digits of seconds(32) | millis(10) seq(22) | random(96)."""
    secs = created_ms // 1000 - KSUID_EPOCH
    tail = ((created_ms % 1000) << 22) | (seq & 0x3F_FFFF)
    n = (secs << 128) | (tail << 96) | rng.getrandbits(96)
    digits = []
    for _ in range(27):
        n, rem = divmod(n, 62)
        digits.append(ALPHABET[rem])
    return "user_" + "".join(reversed(digits))


def rfc3339(ms: int) -> str:
    t = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def ascii_slug(s: str) -> str:
    out = unicodedata.normalize("NFKD", s.lower()).replace("ø", "o")
    return "".join(c for c in out if c.isascii() and (c.isalnum() or c in "-_"))


def users(n: int, rng: random.Random):
    start = 1_640_995_200_000  # 2022-01-01
    end = 1_767_225_600_000  # 2026-01-01
    # Creation times in order, as an export lists them; several users may share a millisecond.
    times = sorted(rng.randrange(start, end) for _ in range(n))
    last_ms, seq = None, 0
    for i, created in enumerate(times):
        seq = seq + 1 if created == last_ms else 0
        last_ms = created
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = f"{ascii_slug(first)}.{ascii_slug(last)}.{i}"
        user = {
            "id": ksuid_user_id(rng, created, seq),
            "email_address": [f"{local}@{rng.choice(DOMAINS)}"],
            "first_name": first,
            "last_name": last,
            "created_at": rfc3339(created),
        }
        if rng.random() < 0.10:
            user["email_address"].append(f"{local}+work@{rng.choice(DOMAINS)}")
        if rng.random() < 0.15:
            user["phone_number"] = [f"+1555{i:07d}"]
        if rng.random() < 0.40:
            user["username"] = f"{ascii_slug(first)}_{i}"
        if rng.random() < 0.30:
            user["external_id"] = f"ext-{i:08d}"
        if rng.random() < 0.30:
            user["password_digest"] = "$2a$10$" + "".join(rng.choice(ALPHABET) for _ in range(53))
            user["password_hasher"] = "bcrypt"
        if rng.random() < 0.60:
            user["public_metadata"] = {"plan": rng.choice(PLANS), "seats": rng.randrange(1, 50)}
        if rng.random() < 0.40:
            user["private_metadata"] = {
                "stripe_customer_id": "cus_" + "".join(rng.choice(ALPHABET) for _ in range(14)),
                "signup_source": rng.choice(SOURCES),
            }
        if rng.random() < 0.10:
            user["unsafe_metadata"] = {"theme": rng.choice(["dark", "light"]), "onboarded": True}
        if rng.random() < 0.70:
            signed_in = rng.randrange(created, end)
            user["last_sign_in_at"] = signed_in
            user["last_active_at"] = rng.randrange(signed_in, end + 1)
        if rng.random() < 0.05:
            user["external_accounts"] = [
                {"provider": "oauth_google", "provider_user_id": str(10**20 + i),
                 "email_address": user["email_address"][0]}
            ]
        yield user


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=100_000)
    p.add_argument("--out", required=True, help="seed file to write")
    p.add_argument("--ids", help="file to write the user IDs to, one a line")
    p.add_argument("--random-seed", type=int, default=20260512)
    a = p.parse_args()
    rng = random.Random(a.random_seed)
    ids = []
    with open(a.out, "w", encoding="utf-8") as f:
        f.write('{"users": [\n')
        for i, u in enumerate(users(a.users, rng)):
            if i:
                f.write(",\n")
            f.write(json.dumps(u, ensure_ascii=False, separators=(",", ":")))
            ids.append(u["id"])
        f.write("\n]}\n")
    if a.ids:
        with open(a.ids, "w", encoding="ascii") as f:
            f.write("\n".join(ids) + "\n")
    print(f"wrote {len(ids)} users to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
