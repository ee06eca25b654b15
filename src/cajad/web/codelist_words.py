"""Codelist names and instruments the portal shows, marked for the catalogue.

The register stores codes (IATI Sector, TransactionType, OrganisationRole, OrganisationType,
DocumentCategory) and free-text instruments; :mod:`cajad.web.labels` translates their English
names through the catalogue when it shows them. This module only marks those names so that
``make messages`` extracts them: every transaction type, role, organisation type and
activity-level document category, and the sectors and instruments of the bundled register
(``tests/web/test_i18n.py`` fails when the register uses one that is not marked here).
Countries are named by CLDR (Babel), not here.
"""

from __future__ import annotations

from cajad.web.i18n import N_

#: IATI TransactionType.
TRANSACTION_TYPES = (
    N_("Incoming Funds"),
    N_("Outgoing Commitment"),
    N_("Disbursement"),
    N_("Expenditure"),
    N_("Interest Payment"),
    N_("Loan Repayment"),
    N_("Reimbursement"),
    N_("Purchase of Equity"),
    N_("Sale of Equity"),
    N_("Credit Guarantee"),
    N_("Incoming Commitment"),
    N_("Outgoing Pledge"),
    N_("Incoming Pledge"),
)

#: IATI OrganisationRole.
ORGANISATION_ROLES = (
    N_("Funding"),
    N_("Accountable"),
    N_("Extending"),
    N_("Implementing"),
)

#: IATI OrganisationType.
ORGANISATION_TYPES = (
    N_("Government"),
    N_("Local Government"),
    N_("Other Public Sector"),
    N_("International NGO"),
    N_("National NGO"),
    N_("Regional NGO"),
    N_("Partner Country based NGO"),
    N_("Public Private Partnership"),
    N_("Multilateral"),
    N_("Foundation"),
    N_("Private Sector"),
    N_("Private Sector in Provider Country"),
    N_("Private Sector in Aid Recipient Country"),
    N_("Private Sector in Third Country"),
    N_("Academic, Training and Research"),
    N_("Other"),
)

#: IATI DocumentCategory, activity level (A01–A12).
DOCUMENT_CATEGORIES = (
    N_("Pre- and post-project impact appraisal"),
    N_("Objectives / Purpose of activity"),
    N_("Intended ultimate beneficiaries"),
    N_("Conditions"),
    N_("Budget"),
    N_("Summary information about contract"),
    N_("Review of project performance and evaluation"),
    N_("Results, outcomes and outputs"),
    N_("Memorandum of understanding (If agreed by all parties)"),
    N_("Tender"),
    N_("Contract"),
    N_("Activity web page"),
)

#: OECD DAC sectors (IATI Sector) of the bundled register.
SECTORS = (
    N_("Education facilities and training"),
    N_("Vocational training"),
    N_("Higher education"),
    N_("Medical services"),
    N_("Basic health infrastructure"),
    N_("Other prevention and treatment of NCDs"),
    N_("Family planning"),
    N_("Basic drinking water supply and basic sanitation"),
    N_("Basic drinking water supply"),
    N_("Waste management/disposal"),
    N_("Legal and judicial development"),
    N_("Tax policy and administration support"),
    N_("Security system management and reform"),
    N_("Social services (incl youth development and women+ children)"),
    N_("Road transport"),
    N_("National road construction"),
    N_("National road maintenance"),
    N_("Rail transport"),
    N_("Water transport"),
    N_("Air transport"),
    N_("Telecommunications"),
    N_("Information and communication technology (ICT)"),
    N_("Energy policy and administrative management"),
    N_("Energy sector policy, planning and administration"),
    N_("Energy education/training"),
    N_("Energy research"),
    N_("Energy conservation and demand-side efficiency"),
    N_("Energy generation, renewable sources - multiple technologies"),
    N_("Hydro-electric power plants"),
    N_("Solar energy for centralised grids"),
    N_("Natural gas-fired electric power plants"),
    N_("District heating and cooling"),
    N_("Electric power transmission and distribution (centralised grids)"),
    N_("Formal sector financial intermediaries"),
    N_("Business policy and administration"),
    N_("Agricultural policy and administrative management"),
    N_("Agricultural development"),
    N_("Agricultural water resources"),
    N_("Food crop production"),
    N_("Industrial crops/export crops"),
    N_("Livestock"),
    N_("Agricultural education/training"),
    N_("Agricultural research"),
    N_("Plant and post-harvest protection and pest control"),
    N_("Livestock/veterinary services"),
    N_("Agro-industries"),
    N_("Chemicals"),
    N_("Fertilizer plants"),
    N_("Energy manufacturing (fossil fuels)"),
    N_("Pharmaceutical production"),
    N_("Mineral/mining policy and administrative management"),
    N_("Mineral prospection and exploration"),
    N_("Oil and gas (upstream)"),
    N_("Nonferrous metals"),
    N_("Trade facilitation"),
    N_("Environmental policy and administrative management"),
    N_("Biodiversity"),
    N_("Multisector aid"),
    N_("Urban development and management"),
    N_("Rural development"),
    N_("Disaster Risk Reduction"),
    N_("Food safety and quality"),
    N_("Research/scientific institutions"),
    N_("General budget support-related aid"),
)

#: The bundled register's instruments.
INSTRUMENTS = (
    N_("JBIC loan"),
    N_("MoU"),
    N_("ODA loan"),
    N_("agreement"),
    N_("grant aid"),
    N_("other"),
    N_("private investment"),
    N_("technical cooperation"),
)

#: The initiative's priority areas (:class:`cajad.register.PriorityArea` labels).
PRIORITY_AREAS = (
    N_("Green & Resilience"),
    N_("Connectivity"),
    N_("Human Resource Development"),
    N_("Unassigned"),
)
