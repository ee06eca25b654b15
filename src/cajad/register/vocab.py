"""Controlled vocabularies of the register: pipeline stages, transaction types, instruments.

IATI codes are kept as IATI has them (TransactionType, OrganisationRole, OrganisationType);
cajad's own vocabularies (stage, instrument, priority area) are string enums.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Stage(StrEnum):
    """Pipeline stage of a project, in order; ``cancelled`` can follow any stage."""

    IDEA = "idea"
    MOU = "mou"
    FEASIBILITY = "feasibility"
    FINANCING = "financing"
    IMPLEMENTATION = "implementation"
    OPERATION = "operation"
    CANCELLED = "cancelled"


PIPELINE: tuple[Stage, ...] = tuple(s for s in Stage if s is not Stage.CANCELLED)

#: IATI ActivityStatus code for each stage (1 pipeline, 2 implementation, 3 finalisation,
#: 4 closed, 5 cancelled).
IATI_STATUS: dict[Stage, int] = {
    Stage.IDEA: 1,
    Stage.MOU: 1,
    Stage.FEASIBILITY: 1,
    Stage.FINANCING: 1,
    Stage.IMPLEMENTATION: 2,
    Stage.OPERATION: 4,
    Stage.CANCELLED: 5,
}


class TransactionType(IntEnum):
    """IATI TransactionType codelist (2.03)."""

    INCOMING_FUNDS = 1
    OUTGOING_COMMITMENT = 2
    DISBURSEMENT = 3
    EXPENDITURE = 4
    INTEREST_PAYMENT = 5
    LOAN_REPAYMENT = 6
    REIMBURSEMENT = 7
    PURCHASE_OF_EQUITY = 8
    SALE_OF_EQUITY = 9
    CREDIT_GUARANTEE = 10
    INCOMING_COMMITMENT = 11
    OUTGOING_PLEDGE = 12
    INCOMING_PLEDGE = 13


#: Transaction types that record money received from another activity. They are the far end
#: of a funding chain and never count toward the goal (the provider's side does).
INCOMING_TYPES = frozenset(
    {
        TransactionType.INCOMING_FUNDS,
        TransactionType.INCOMING_COMMITMENT,
        TransactionType.INCOMING_PLEDGE,
    }
)


class Instrument(StrEnum):
    """How Japan takes part: the instruments the initiative's deals are reported under."""

    GRANT = "grant aid"
    ODA_LOAN = "ODA loan"
    JBIC_LOAN = "JBIC loan"
    NEXI_INSURANCE = "NEXI insurance"
    PRIVATE_INVESTMENT = "private investment"
    TECHNICAL_COOPERATION = "technical cooperation"
    MOU = "MoU"
    AGREEMENT = "agreement"
    OTHER = "other"


#: Instruments whose money is private rather than public.
PRIVATE_INSTRUMENTS = frozenset({Instrument.PRIVATE_INVESTMENT})

#: IATI FinanceType for the money of each instrument (None: not a financing instrument).
FINANCE_TYPE: dict[Instrument, str | None] = {
    Instrument.GRANT: "110",
    Instrument.TECHNICAL_COOPERATION: "110",
    Instrument.ODA_LOAN: "421",
    Instrument.JBIC_LOAN: "421",
    Instrument.NEXI_INSURANCE: "1100",
    Instrument.PRIVATE_INVESTMENT: "510",
    Instrument.MOU: None,
    Instrument.AGREEMENT: None,
    Instrument.OTHER: None,
}


class PriorityArea(StrEnum):
    """The three priority areas of the Tokyo Initiative, plus money no area claims."""

    GREEN = "green"
    CONNECTIVITY = "connectivity"
    HRD = "hrd"
    UNASSIGNED = "unassigned"

    @property
    def label(self) -> str:
        return _AREA_LABELS[self]


_AREA_LABELS = {
    PriorityArea.GREEN: "Green & Resilience",
    PriorityArea.CONNECTIVITY: "Connectivity",
    PriorityArea.HRD: "Human Resource Development",
    PriorityArea.UNASSIGNED: "Unassigned",
}


class OrganisationRole(IntEnum):
    """IATI OrganisationRole codelist."""

    FUNDING = 1
    ACCOUNTABLE = 2
    EXTENDING = 3
    IMPLEMENTING = 4


#: Central Asia, regional (IATI Region codelist, OECD DAC vocabulary): the recipient of
#: region-wide projects.
CENTRAL_ASIA_REGION = "619"
CENTRAL_ASIAN_COUNTRIES = ("KZ", "KG", "TJ", "TM", "UZ")
