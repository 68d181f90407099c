"""The API scopes of the case file, for integration clients' tokens (``backend.accounts
.scopes``). Registered in ``CasesConfig.ready()``; each view names what it needs."""

from django.utils.translation import gettext_lazy as _

from backend.accounts.scopes import Scope
from cases.privacy import BSN_SCOPE

COMPLAINTS_CREATE = Scope("complaints:create", _("File complaints (Awb 9:1)."))
OBJECTIONS_CREATE = Scope("objections:create", _("File objections (Awb 6:4)."))
CASES_READ = Scope(
    "cases:read", _("Read cases the account may see (a client: the cases it filed).")
)
CASES_WRITE = Scope(
    "cases:write", _("Take steps, log contact, add notes, as the account's role allows.")
)

PERSONS_BSN = Scope(
    BSN_SCOPE, _("See the BSN of the parties of the cases the client may read (with cases:read).")
)

ALL = (COMPLAINTS_CREATE, OBJECTIONS_CREATE, CASES_READ, CASES_WRITE, PERSONS_BSN)
READ = {"GET": CASES_READ.name}
WRITE_POST = {"POST": CASES_WRITE.name}
