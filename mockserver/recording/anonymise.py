"""Replacing a recorded customer's personal data, keeping what the contract and the UI depend on.

Names, emails, phones, companies, addresses (all but the country and the region), the creator
when it is a person, and the free-form `customFields` strings are replaced word by word
(`pseudonyms.py`): the same input gives the same output under one key, in the same script,
about as long, starting with the same letter. Ids, types, statuses, counts, amounts and dates
are kept as recorded, so every filter and sort field keeps its distribution and the fixture
invariants hold: a business customer still has a company and an individual none, and emails
stay unique within a tenant (a clash is resolved by a number, in the order records come).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from mockserver.domain.customer import Customer
from mockserver.domain.query import fold_email
from mockserver.recording.pseudonyms import COUNTRY_LOCALES, WORD, Pseudonyms, ascii_word, locale_for

__all__ = ["ADDRESSES", "Anonymiser", "LEGAL_FORMS", "SYSTEM_CREATORS"]

ADDRESSES: Final = ("lastBillingAddress", "lastShippingAddress")
# `createdBy` values that name a system, not a person.
SYSTEM_CREATORS: Final = frozenset({"checkout", "import", "api", "system", "migration"})
# Words of a company name that say its legal form, not who it is.
LEGAL_FORMS: Final = frozenset(
    {"gmbh", "mbh", "kg", "ag", "ohg", "ug", "co", "ltd", "llc", "llp", "inc", "corp", "plc", "sa", "sas", "sarl",
     "srl", "sl", "spa", "sp", "z", "o", "oo", "s", "r", "ab", "as", "oy", "bv", "nv", "kk", "group", "und", "and",
     "et", "y", "e", "cie"}
)  # fmt: skip
# Second-level labels under which the registrable name is the third label (example.co.uk).
_SHARED_LABELS: Final = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"})
_PHONE_PREFIX: Final = re.compile(r"\s*(?:\+\d{1,3}|\(?0)")
# Draws of a stand-in that clashes with a source value before the last one is taken anyway.
_ATTEMPTS: Final = 50


@dataclass
class Anonymiser:
    """Replaces the personal data of customers, one tenant's emails kept unique across the records it saw.

    `source` holds keyed hashes of the source's full names, emails and phones (`note_source`):
    a stand-in that happens to be one of them is drawn again, so that none of the source's
    appears in what is written, not even as another customer's.
    """

    pseudonyms: Pseudonyms
    source: set[str] = field(default_factory=set)
    domains: dict[str, str] = field(default_factory=dict)
    _emails: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def keyed(cls, key: bytes) -> Anonymiser:
        return cls(Pseudonyms(key))

    def source_digests(self, record: Mapping[str, Any]) -> set[str]:
        """The keyed hashes of a source record's full name, email and phone (a list item has them all)."""
        digest = self.pseudonyms.digest
        found = {digest("name", f"{record.get('firstName')} {record.get('lastName')}".casefold())}
        if isinstance(record.get("email"), str):
            found.add(digest("email", fold_email(record["email"])))
        if isinstance(record.get("phone"), str):
            found.add(digest("phone", record["phone"]))
        return found

    def note_source(self, record: Mapping[str, Any]) -> None:
        self.source |= self.source_digests(record)

    def remember(self, record: Mapping[str, Any]) -> None:
        """Count an already anonymised record's email as taken (a resumed recording)."""
        self._emails.setdefault(record["tenantId"], set()).add(fold_email(record["email"]))

    def _is_source(self, kind: str, value: str) -> bool:
        return self.pseudonyms.digest(kind, value) in self.source

    def customer(self, record: Mapping[str, Any]) -> Customer:
        """`record` with its personal data replaced; everything else as it was."""
        words = self.pseudonyms.words
        out = dict(record)
        billing = record.get("lastBillingAddress") or record.get("lastShippingAddress")
        country = COUNTRY_LOCALES.get(str(billing.get("country"))) if isinstance(billing, dict) else None
        locale = locale_for(f"{record['firstName']} {record['lastName']} {record.get('company') or ''}", country)
        out["firstName"] = words(record["firstName"], "first", locale)
        for attempt in range(_ATTEMPTS):
            out["lastName"] = words(record["lastName"], "last", locale, salt=str(attempt or ""))
            if not self._is_source("name", f"{out['firstName']} {out['lastName']}".casefold()):
                break
        if isinstance(record.get("company"), str):
            out["company"] = words(record["company"], "company", locale, keep=LEGAL_FORMS)
        if isinstance(record.get("phone"), str):
            out["phone"] = self.phone(record["phone"])
        out["email"] = self._unique(record["tenantId"], self.email(record["email"], record, locale, out))
        if isinstance(record.get("createdBy"), str):
            out["createdBy"] = self.creator(record["createdBy"])
        if isinstance(record.get("customFields"), dict):
            out["customFields"] = self._free_form(record["customFields"])
        full_names = (f"{record['firstName']} {record['lastName']}", f"{out['firstName']} {out['lastName']}")
        for name in ADDRESSES:
            if isinstance(record.get(name), dict):
                out[name] = self.address(record[name], locale, full_names)
        return out

    def email(
        self,
        email: str,
        record: Mapping[str, Any] | None = None,
        locale: str | None = None,
        replaced: Mapping[str, Any] | None = None,
    ) -> str:
        """An address shaped like `email`: its names become the new ones in `replaced`, its domain a made-up one.

        A word of the local part that is the customer's first or last name (accents dropped or
        not) becomes that name's stand-in, so `lena.fischer@` follows the new name; other words
        get stand-ins of their own, digits other digits, separators and case stay.
        """
        local, at, domain = email.rpartition("@")
        if not at:
            return self._email_words(email, {}, locale)
        names = self._name_forms(record, replaced) if record and replaced else {}
        return f"{self._email_words(local, names, locale)}@{self.domain(domain)}"

    def _name_forms(self, record: Mapping[str, Any], replaced: Mapping[str, Any]) -> dict[str, str]:
        """How the customer's names may appear in a local part (`lena`, `fischer`, `lenafischer`,
        `lfischer`, ...), casefolded, each with what it becomes."""
        first, last = str(record.get("firstName") or ""), str(record.get("lastName") or "")
        new_first = "".join(WORD.findall(str(replaced.get("firstName") or "")))
        new_last = "".join(WORD.findall(str(replaced.get("lastName") or "")))
        forms: dict[str, str] = {}
        for first_form in (first, ascii_word(first)):
            for last_form in (last, ascii_word(last)):
                given = "".join(WORD.findall(first_form)).casefold()
                family = "".join(WORD.findall(last_form)).casefold()
                pairs = (
                    (given, new_first),
                    (family, new_last),
                    (given + family, new_first + new_last),
                    (family + given, new_last + new_first),
                    (given[:1] + family, new_first[:1] + new_last),
                    (given + family[:1], new_first + new_last[:1]),
                )
                for form, replacement in pairs:
                    if len(form) > 1 and replacement:
                        forms.setdefault(form, replacement)
        return forms

    def domain(self, domain: str) -> str:
        """A made-up domain for `domain`, its top-level labels (`.de`, `.co.uk`) kept.

        Two domains never share a stand-in, so each domain keeps its share of the customers: the
        stand-ins so far are kept in `domains` (by keyed hash of the original), and a clash is
        drawn again.
        """
        labels = domain.split(".")
        known = self.pseudonyms.digest("domain", domain.casefold())
        stand_in = self.domains.get(known)
        if stand_in is None:
            kept = 2 if len(labels) >= 3 and labels[-2].casefold() in _SHARED_LABELS else 1
            if len(labels) <= kept:
                kept = 0
            named = [label.casefold() for label in labels[: len(labels) - kept]]
            taken = set(self.domains.values())
            stand_in = domain.casefold()
            for attempt in range(_ATTEMPTS):
                replaced = [self._email_words(label, {}, None, str(attempt or "")) for label in named]
                stand_in = ".".join([*replaced, *(label.casefold() for label in labels[len(labels) - kept :])])
                if stand_in not in taken:
                    break
            self.domains[known] = stand_in
        return ".".join(_cased(new, old) for new, old in zip(stand_in.split("."), labels, strict=False))

    def phone(self, phone: str) -> str:
        """Another number in the same format: the country code or trunk prefix kept, every other digit replaced."""
        prefix = _PHONE_PREFIX.match(phone)
        start = prefix.end() if prefix else 0
        rest = phone[start:]
        replaced = phone
        for attempt in range(_ATTEMPTS):
            digits = iter(self.pseudonyms.digits(sum(char.isdigit() for char in rest), "phone", phone, str(attempt)))
            replaced = phone[:start] + "".join(next(digits) if char.isdigit() else char for char in rest)
            if replaced != phone and not self._is_source("phone", replaced):
                break
        return replaced

    def creator(self, creator: str) -> str:
        """A system creator as it is; a person (`dashboard:kristy@acme.example`) replaced, the `dashboard:` kept."""
        if creator in SYSTEM_CREATORS:
            return creator
        prefix, colon, rest = creator.partition(":")
        if not colon or not prefix.isascii() or not prefix.isalpha():
            prefix, colon, rest = "", "", creator
        replaced = self.email(rest) if "@" in rest else self.pseudonyms.words(rest, "first")
        return f"{prefix}{colon}{replaced}"

    def address(
        self, address: Mapping[str, Any], locale: str, full_names: tuple[str, str] | None = None
    ) -> dict[str, Any]:
        """An address with its contact, street, city, building, locality and postcode replaced.

        A contact who is the customer (`full_names`: the name before and after) gets the customer's new name.
        """
        words = self.pseudonyms.words
        place = COUNTRY_LOCALES.get(str(address.get("country")), locale)
        out = dict(address)
        kinds = {
            "streetAddress": "street",
            "city": "city",
            "buildingInfo": "street",
            "locality": "city",
            "postalCode": "street",
        }
        contact = address.get("contactName")
        if full_names is not None and contact == full_names[0]:
            out["contactName"] = full_names[1]
        elif isinstance(contact, str):
            for attempt in range(_ATTEMPTS):
                out["contactName"] = words(contact, "last", locale, first="first", salt=str(attempt or ""))
                if not self._is_source("name", out["contactName"].casefold()):
                    break
        if isinstance(address.get("company"), str):
            out["company"] = words(address["company"], "company", locale, keep=LEGAL_FORMS)
        for name, kind in kinds.items():
            if isinstance(address.get(name), str):
                out[name] = words(address[name], kind, place)
        return out

    def _free_form(self, value: Any) -> Any:
        """Free-form values with every string replaced word by word; keys, numbers and booleans kept."""
        if isinstance(value, str):
            return self.pseudonyms.words(value, "last")
        if isinstance(value, list):
            return [self._free_form(item) for item in value]
        if isinstance(value, dict):
            return {name: self._free_form(item) for name, item in value.items()}
        return value

    def _email_words(self, text: str, names: Mapping[str, str], locale: str | None, salt: str = "") -> str:
        """The words of part of an address replaced; an ASCII word stays ASCII."""
        pseudonyms = self.pseudonyms
        pieces: list[str] = []
        position = 0
        for match in WORD.finditer(text):
            pieces.append(text[position : match.start()])
            token = match.group()
            if token.isdigit():
                pieces.append(pseudonyms.digits(len(token), "digits", token, text, salt))
            else:
                named = names.get(token.casefold())
                replaced = _cased(named, token) if named is not None else pseudonyms.word(token, "last", locale, salt)
                if token.isascii():
                    replaced = ascii_word(replaced) or ascii_word(pseudonyms.word(token, "last")) or "x"
                pieces.append(replaced)
            position = match.end()
        pieces.append(text[position:])
        return "".join(pieces)

    def _unique(self, tenant: str, email: str) -> str:
        """`email`, or with a number before its `+tag` and `@`, so that no earlier customer of `tenant` has it."""
        taken = self._emails.setdefault(tenant, set())
        candidate = email
        local, _, domain = email.rpartition("@")
        base, plus, tag = local.partition("+")
        number = 1
        while fold_email(candidate) in taken or self._is_source("email", fold_email(candidate)):
            number += 1
            candidate = f"{base}{number}{plus}{tag}@{domain}"
        taken.add(fold_email(candidate))
        return candidate


def _cased(word: str, like: str) -> str:
    if like.islower():
        return word.lower()
    if len(like) > 1 and like.isupper():
        return word.upper()
    return word
