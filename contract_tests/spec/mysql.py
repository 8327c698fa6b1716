"""MySQL's and MariaDB's string orders: PAD SPACE, `utf8mb4_general_ci`'s weights, UCA through ICU.

Every MySQL-family collation but the `_nopad_` ones compares strings as if the shorter were
padded with spaces (`'Anna' = 'Anna '`, even in `utf8mb4_bin`). `utf8mb4_general_ci` is no
Unicode collation: each character of the Basic Multilingual Plane weighs what MariaDB's
case table says (mostly its unaccented capital: `a`, `Á` and `A` weigh the same; `Ł` and `Æ`
only themselves; `ß` weighs `S`), every other character U+FFFD, compared one by one.
`GENERAL_CI_WEIGHTS` holds that table where it differs from the code point, as read from
MariaDB 10.11 with `WEIGHT_STRING` (the suite proves it against the server for every character).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Final

SPACE: Final = 0x20
REPLACEMENT: Final = 0xFFFD
_RUN: Final = re.compile(r"([0-9a-f]+)(?:-([0-9a-f]+)(?:/([0-9]+))?)?([+-][0-9a-f]+)")
# Runs `start[-end[/step]]±delta` (hex): each code point in the run weighs itself plus delta.
GENERAL_CI_WEIGHTS: Final = """
61-7a-20 b5+2e7 c0-7f c1-80 c2-81 c3-82 c4-83 c5-c7/2-84 c8-83 c9-84 ca-85 cb-86 cc-83 cd-84 ce-85
cf-86 d1-d2-83 d3-84 d4-85 d5-86 d6-87 d9-84 da-85 db-86 dc-87 dd-84 df-8c e0-9f e1-a0 e2-a1 e3-a2
e4-a3 e5-a4 e6-20 e7-a4 e8-a3 e9-a4 ea-a5 eb-a6 ec-a3 ed-a4 ee-a5 ef-a6 f0-20 f1-f2-a3 f3-a4 f4-a5
f5-a6 f6-a7 f8-20 f9-a4 fa-a5 fb-a6 fc-a7 fd-a4 fe-20 ff-a6 100-bf 101-c0 102-c1 103-c2 104-c3
105-c4 106-c3 107-c4 108-c5 109-c6 10a-c7 10b-c8 10c-c9 10d-10e-ca 10f-cb 111-1 112-cd 113-ce 114-cf
115-d0 116-d1 117-d2 118-d3 119-d4 11a-d5 11b-d6 11c-d5 11d-d6 11e-d7 11f-d8 120-d9 121-da 122-db
123-124-dc 125-dd 127-1 128-df 129-e0 12a-e1 12b-e2 12c-e3 12d-e4 12e-e5 12f-e6 130-e7 131-e8 133-1
134-ea 135-136-eb 137-ec 139-ed 13a-ee 13b-ef 13c-f0 13d-f1 13e-f2 140-142/2-1 143-f5 144-f6 145-f7
146-f8 147-f9 148-fa 14b-1 14c-fd 14d-fe 14e-ff 14f-100 150-101 151-102 153-1 154-102 155-103
156-104 157-105 158-106 159-15a-107 15b-108 15c-109 15d-10a 15e-10b 15f-10c 160-10d 161-162-10e
163-10f 164-110 165-111 167-1 168-113 169-114 16a-115 16b-116 16c-117 16d-118 16e-119 16f-11a
170-11b 171-11c 172-11d 173-11e 174-11d 175-11e 176-11d 177-11e 178-179-11f 17a-120 17b-121 17c-122
17d-123 17e-124 17f-12c 183-185/2-1 188-1 18c-1 192-1 195+61 199-1 1a0-151 1a1-152 1a3-1a5/2-1 1a8-1
1ad-1 1af-15a 1b0-15b 1b4-1b6/2-1 1b9-1 1bd-1 1bf+38 1c5-1 1c6-2 1c8-1 1c9-2 1cb-1 1cc-2 1cd-18c
1ce-18d 1cf-186 1d0-187 1d1-182 1d2-183 1d3-17e 1d4-17f 1d5-180 1d6-181 1d7-182 1d8-183 1d9-184
1da-185 1db-186 1dc-187 1dd-4f 1de-19d 1df-19e 1e0-19f 1e1-1a0 1e2-11c 1e3-11d 1e5-1 1e6-19f 1e7-1a0
1e8-19d 1e9-19e 1ea-19b 1eb-19c 1ec-19d 1ed-19e 1ee-37 1ef-38 1f0-1a6 1f2-1 1f3-2 1f4-1ad 1f5-1ae
1f8-1aa 1f9-1ab 1fa-1b9 1fb-1ba 1fc-136 1fd-137 1fe-126 1ff-127 200-1bf 201-1c0 202-1c1 203-1c2
204-1bf 205-1c0 206-1c1 207-1c2 208-1bf 209-1c0 20a-1c1 20b-1c2 20c-1bd 20d-1be 20e-1bf 20f-1c0
210-1be 211-1bf 212-1c0 213-1c1 214-1bf 215-1c0 216-1c1 217-1c2 218-1c5 219-21a-1c6 21b-1c7 21d-1
21e-1d6 21f-1d7 223-225/2-1 226-1e5 227-1e6 228-1e3 229-1e4 22a-1db 22b-1dc 22c-1dd 22d-1de 22e-1df
22f-1e0 230-1e1 231-1e2 232-1d9 233-1da 253-d2 254-ce 256-257-cd 259-ca 25b-cb 260-cd 263-cf 268-d1
269-d3 26f-d3 272-d5 275-d6 280-da 283-da 288-da 28a-28b-d9 292-db 345+54 386+b 388+d 389+e 38a+f
38c+13 38e+17 38f+1a 390+9 3aa-11 3ab-6 3ac-1b 3ad-18 3ae-17 3af-16 3b0-b 3b1-3c1-20 3c2-1f
3c3-3c9-20 3ca-31 3cb-26 3cc-2d 3cd-28 3ce-25 3d0-3e 3d1-39 3d3-1 3d4-2 3d5-2f 3d6-36 3db-3ef/2-1
3f0-56 3f1-50 3f2-4f 400+15 401+14 403+10 407-1 40c+e 40d+b 40e+15 430-44f-20 450-3b 451-3c 452-50
453-40 454-456-50 457-51 458-45b-50 45c-42 45d-45 45e-3b 45f-50 461-475/2-1 476-2 477-3 479-481/2-1
48d-4bf/2-1 4c1-ab 4c2-ac 4c4-1 4c8-1 4cc-1 4d0-c0 4d1-c1 4d2-c2 4d3-c3 4d5-1 4d6-c1 4d7-c2 4d9-1
4da-2 4db-3 4dc-c6 4dd-4de-c7 4df-c8 4e1-1 4e2-ca 4e3-cb 4e4-cc 4e5-cd 4e6-c8 4e7-c9 4e9-1 4ea-2
4eb-3 4ec-bf 4ed-c0 4ee-cb 4ef-cc 4f0-cd 4f1-ce 4f2-cf 4f3-d0 4f4-cd 4f5-ce 4f8-cd 4f9-ce 561-586-30
1e00-1dbf 1e01-1e02-1dc0 1e03-1dc1 1e04-1dc2 1e05-1dc3 1e06-1dc4 1e07-1e08-1dc5 1e09-1e0a-1dc6
1e0b-1dc7 1e0c-1dc8 1e0d-1dc9 1e0e-1dca 1e0f-1dcb 1e10-1dcc 1e11-1dcd 1e12-1dce 1e13-1e14-1dcf
1e15-1dd0 1e16-1dd1 1e17-1dd2 1e18-1dd3 1e19-1dd4 1e1a-1dd5 1e1b-1dd6 1e1c-1dd7 1e1d-1e1e-1dd8
1e1f-1e20-1dd9 1e21-1e22-1dda 1e23-1ddb 1e24-1ddc 1e25-1ddd 1e26-1dde 1e27-1ddf 1e28-1de0 1e29-1de1
1e2a-1de2 1e2b-1e2c-1de3 1e2d-1de4 1e2e-1de5 1e2f-1de6 1e30-1de5 1e31-1de6 1e32-1de7 1e33-1de8
1e34-1de9 1e35-1e36-1dea 1e37-1deb 1e38-1dec 1e39-1ded 1e3a-1dee 1e3b-1def 1e3c-1df0 1e3d-1e3e-1df1
1e3f-1df2 1e40-1df3 1e41-1df4 1e42-1df5 1e43-1e44-1df6 1e45-1df7 1e46-1df8 1e47-1df9 1e48-1dfa
1e49-1dfb 1e4a-1dfc 1e4b-1e4c-1dfd 1e4d-1dfe 1e4e-1dff 1e4f-1e00 1e50-1e01 1e51-1e02 1e52-1e03
1e53-1e54-1e04 1e55-1e05 1e56-1e06 1e57-1e07 1e58-1e06 1e59-1e07 1e5a-1e08 1e5b-1e09 1e5c-1e0a
1e5d-1e0b 1e5e-1e0c 1e5f-1e60-1e0d 1e61-1e0e 1e62-1e0f 1e63-1e10 1e64-1e11 1e65-1e12 1e66-1e13
1e67-1e14 1e68-1e15 1e69-1e6a-1e16 1e6b-1e17 1e6c-1e18 1e6d-1e19 1e6e-1e1a 1e6f-1e1b 1e70-1e1c
1e71-1e72-1e1d 1e73-1e1e 1e74-1e1f 1e75-1e20 1e76-1e21 1e77-1e22 1e78-1e23 1e79-1e24 1e7a-1e25
1e7b-1e7c-1e26 1e7d-1e27 1e7e-1e28 1e7f-1e80-1e29 1e81-1e2a 1e82-1e2b 1e83-1e2c 1e84-1e2d 1e85-1e2e
1e86-1e2f 1e87-1e30 1e88-1e31 1e89-1e8a-1e32 1e8b-1e33 1e8c-1e34 1e8d-1e8e-1e35 1e8f-1e90-1e36
1e91-1e37 1e92-1e38 1e93-1e39 1e94-1e3a 1e95-1e3b 1e96-1e4e 1e97-1e43 1e98-1e41 1e99-1e40 1e9b-1e48
1ea0-1e5f 1ea1-1e60 1ea2-1e61 1ea3-1e62 1ea4-1e63 1ea5-1e64 1ea6-1e65 1ea7-1e66 1ea8-1e67 1ea9-1e68
1eaa-1e69 1eab-1e6a 1eac-1e6b 1ead-1e6c 1eae-1e6d 1eaf-1e6e 1eb0-1e6f 1eb1-1e70 1eb2-1e71 1eb3-1e72
1eb4-1e73 1eb5-1e74 1eb6-1e75 1eb7-1e76 1eb8-1e73 1eb9-1e74 1eba-1e75 1ebb-1e76 1ebc-1e77 1ebd-1e78
1ebe-1e79 1ebf-1e7a 1ec0-1e7b 1ec1-1e7c 1ec2-1e7d 1ec3-1e7e 1ec4-1e7f 1ec5-1e80 1ec6-1e81 1ec7-1e82
1ec8-1e7f 1ec9-1e80 1eca-1e81 1ecb-1e82 1ecc-1e7d 1ecd-1e7e 1ece-1e7f 1ecf-1e80 1ed0-1e81 1ed1-1e82
1ed2-1e83 1ed3-1e84 1ed4-1e85 1ed5-1e86 1ed6-1e87 1ed7-1e88 1ed8-1e89 1ed9-1e8a 1eda-1e8b 1edb-1e8c
1edc-1e8d 1edd-1e8e 1ede-1e8f 1edf-1e90 1ee0-1e91 1ee1-1e92 1ee2-1e93 1ee3-1e94 1ee4-1e8f 1ee5-1e90
1ee6-1e91 1ee7-1e92 1ee8-1e93 1ee9-1e94 1eea-1e95 1eeb-1e96 1eec-1e97 1eed-1e98 1eee-1e99 1eef-1e9a
1ef0-1e9b 1ef1-1e9c 1ef2-1e99 1ef3-1e9a 1ef4-1e9b 1ef5-1e9c 1ef6-1e9d 1ef7-1e9e 1ef8-1e9f 1ef9-1ea0
1f00-1b6f 1f01-1b70 1f02-1b71 1f03-1b72 1f04-1b73 1f05-1b74 1f06-1b75 1f07-1b76 1f08-1b77 1f09-1b78
1f0a-1b79 1f0b-1b7a 1f0c-1b7b 1f0d-1b7c 1f0e-1b7d 1f0f-1b7e 1f10-1b7b 1f11-1b7c 1f12-1b7d 1f13-1b7e
1f14-1b7f 1f15-1b80 1f18-1b83 1f19-1b84 1f1a-1b85 1f1b-1b86 1f1c-1b87 1f1d-1b88 1f20-1b89 1f21-1b8a
1f22-1b8b 1f23-1b8c 1f24-1b8d 1f25-1b8e 1f26-1b8f 1f27-1b90 1f28-1b91 1f29-1b92 1f2a-1b93 1f2b-1b94
1f2c-1b95 1f2d-1b96 1f2e-1b97 1f2f-1b98 1f30-1b97 1f31-1b98 1f32-1b99 1f33-1b9a 1f34-1b9b 1f35-1b9c
1f36-1b9d 1f37-1b9e 1f38-1b9f 1f39-1ba0 1f3a-1ba1 1f3b-1ba2 1f3c-1ba3 1f3d-1ba4 1f3e-1ba5 1f3f-1ba6
1f40-1ba1 1f41-1ba2 1f42-1ba3 1f43-1ba4 1f44-1ba5 1f45-1ba6 1f48-1ba9 1f49-1baa 1f4a-1bab 1f4b-1bac
1f4c-1bad 1f4d-1bae 1f50-1bab 1f51-1bac 1f52-1bad 1f53-1bae 1f54-1baf 1f55-1bb0 1f56-1bb1 1f57-1bb2
1f59-1bb4 1f5b-1bb6 1f5d-1bb8 1f5f-1bba 1f60-1bb7 1f61-1bb8 1f62-1bb9 1f63-1bba 1f64-1bbb 1f65-1bbc
1f66-1bbd 1f67-1bbe 1f68-1bbf 1f69-1bc0 1f6a-1bc1 1f6b-1bc2 1f6c-1bc3 1f6d-1bc4 1f6e-1bc5 1f6f-1bc6
1f70-1bdf 1f71+4a 1f72-1bdd 1f73+56 1f74-1bdd 1f75+56 1f76-1bdd 1f77+64 1f78-1bd9 1f79+80 1f7a-1bd5
1f7b+70 1f7c-1bd3 1f7d+7e 1f80-1bef 1f81-1bf0 1f82-1bf1 1f83-1bf2 1f84-1bf3 1f85-1bf4 1f86-1bf5
1f87-1bf6 1f88-1bf7 1f89-1bf8 1f8a-1bf9 1f8b-1bfa 1f8c-1bfb 1f8d-1bfc 1f8e-1bfd 1f8f-1bfe 1f90-1bf9
1f91-1bfa 1f92-1bfb 1f93-1bfc 1f94-1bfd 1f95-1bfe 1f96-1bff 1f97-1c00 1f98-1c01 1f99-1c02 1f9a-1c03
1f9b-1c04 1f9c-1c05 1f9d-1c06 1f9e-1c07 1f9f-1c08 1fa0-1bf7 1fa1-1bf8 1fa2-1bf9 1fa3-1bfa 1fa4-1bfb
1fa5-1bfc 1fa6-1bfd 1fa7-1bfe 1fa8-1bff 1fa9-1c00 1faa-1c01 1fab-1c02 1fac-1c03 1fad-1c04 1fae-1c05
1faf-1c06 1fb0-1c1f 1fb1-1c20 1fb2-1c21 1fb3-1c22 1fb4-1c23 1fb6-1c25 1fb7-1c26 1fb8-1c27 1fb9-1c28
1fba-1c29 1fbc-1c2b 1fbe-1c25 1fc2-1c2b 1fc3-1c2c 1fc4-1c2d 1fc6-1c2f 1fc7-1c30 1fc8-1fca/2-1c33
1fcc-1c35 1fd0-1c37 1fd1-1c38 1fd2-1c39 1fd6-1c3d 1fd7-1c3e 1fd8-1c3f 1fd9-1c40 1fda-1c41 1fe0-1c3b
1fe1-1c3c 1fe2-1c3d 1fe4-1c43 1fe5-1c44 1fe6-1c41 1fe7-1c42 1fe8-1c43 1fe9-1c44 1fea-1c45 1fec-1c4b
1ff2-1c49 1ff3-1c4a 1ff4-1c4b 1ff6-1c4d 1ff7-1c4e 1ff8-1c59 1ffa-1c51 1ffc-1c53 2170-217f-10
24d0-24e9-1a ff41-ff5a-20
"""


@cache
def general_ci_table() -> dict[int, int]:
    """`utf8mb4_general_ci`'s weight of each BMP code point that does not weigh itself."""
    table: dict[int, int] = {}
    for token in GENERAL_CI_WEIGHTS.split():
        match = _RUN.fullmatch(token)
        if match is None:
            raise ValueError(f"malformed weight run {token!r}")
        start = int(match[1], 16)
        end = int(match[2], 16) if match[2] else start
        delta = int(match[4], 16)
        for code in range(start, end + 1, int(match[3] or 1)):
            table[code] = code + delta
    return table


def general_ci_weights(text: str) -> list[int]:
    """The weight of each character of `text` under `utf8mb4_general_ci`."""
    table = general_ci_table()
    return [REPLACEMENT if ord(char) > 0xFFFF else table.get(ord(char), ord(char)) for char in text]


def padded(weights: Sequence[int], space: int = SPACE) -> tuple[tuple[float, ...], ...]:
    """A key that compares weight sequences as PAD SPACE does: the shorter as if followed by spaces.

    Each run of spaces and the character after it is one token; a string's end compares as
    endless spaces, so it sorts after a token whose character weighs less than a space and
    before one whose character weighs more.
    """
    tokens: list[tuple[float, ...]] = []
    spaces = 0
    for weight in weights:
        if weight == space:
            spaces += 1
            continue
        tokens.append((0, spaces, weight) if weight < space else (1, -spaces, weight))
        spaces = 0
    return (*tokens, (0.5,))
