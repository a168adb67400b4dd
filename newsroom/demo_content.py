"""Demo content for Crosspost Review: pure data; all people, outlets and events are fictional.

In ``body``, "## " starts a subheading, "> " a quotation; links are markdown ``[text](https://...)``.
"""

from __future__ import annotations

OWN_PUBLICATION = "Crosspost Review"

AUTHORS = [
    {
        "name": "Maren Holt",
        "role": "Editor-in-chief, Crosspost Review",
        "bio": (
            "Maren Holt leads the editorial team at Crosspost Review and oversees its republishing "
            "partnerships with independent newsrooms. She previously reported from Brussels and Nairobi for "
            "a news agency and spent six years as a foreign editor. She writes about press freedom and the "
            "economics of journalism."
        ),
        "website": "https://marenholt.example.org/",
    },
    {
        "name": "Tomás Ferreira-Lind",
        "role": "Economics and climate correspondent, Crosspost Review",
        "bio": (
            "Tomás Ferreira-Lind covers central banks, trade and the economics of climate change. Before "
            "joining Crosspost Review he spent a decade at a financial daily in Lisbon and Stockholm. He is "
            "the lead reporter on the Borrowed Time dossier."
        ),
        "website": "https://ferreira-lind.example.net/",
    },
    {
        "name": "Adaeze Okonkwo-Reyes",
        "role": "Health and science editor, Crosspost Review",
        "bio": (
            "Adaeze Okonkwo-Reyes edits health and science coverage at Crosspost Review. Trained as an "
            "epidemiologist, she moved into journalism after working on vaccination programmes in West "
            "Africa and the Pacific. She is particularly interested in how health systems measure, and miss, "
            "the people they serve."
        ),
        "website": "https://okonkwo-reyes.example.com/",
    },
    {
        "name": "Ilse Varga",
        "role": "Investigative reporter, The Danube Ledger",
        "bio": (
            "Ilse Varga is an investigative reporter at The Danube Ledger, where she specialises in public "
            "procurement, surveillance and corporate secrecy. Her reporting on municipal contracts has "
            "prompted two national audits."
        ),
        "website": "https://ilsevarga.example.org/",
    },
    {
        "name": "Rafael Quintana Solís",
        "role": "Andes correspondent, Meridiano Abierto",
        "bio": (
            "Rafael Quintana Solís reports on mining, water and Indigenous rights from the Andean highlands "
            "for Meridiano Abierto. He began his career at a community radio station and still presents a "
            "weekly programme in Spanish and Quechua."
        ),
        "website": "https://rafaelquintana.example.net/",
    },
    {
        "name": "Nomvula Dlamini-Hart",
        "role": "Environment reporter, Coastline Dispatch",
        "bio": (
            "Nomvula Dlamini-Hart covers oceans, water and energy for Coastline Dispatch. She has reported "
            "from fishing harbours and drought-stricken towns along the southern African coast for more than "
            "a decade. She holds a master's degree in marine science."
        ),
        "website": "https://dlamini-hart.example.com/",
    },
]

PUBLICATIONS = [
    {
        "name": "The Danube Ledger",
        "homepage": "https://danubeledger.example.com/",
        "default_licence": "all-rights-reserved",
    },
    {
        "name": "Meridiano Abierto",
        "homepage": "https://meridiano-abierto.example.org/",
        "default_licence": "cc-by-nd-4.0",
    },
    {
        "name": "Coastline Dispatch",
        "homepage": "https://coastline-dispatch.example.net/",
        "default_licence": "permission",
    },
]

REGIONS = [
    {
        "title": "Europe",
        "description": (
            "From the Atlantic to the Black Sea: politics, economies and public life across the continent."
        ),
    },
    {
        "title": "Latin America",
        "description": (
            "Reporting from Mexico to Patagonia, with a focus on resources, rights and democratic "
            "institutions."
        ),
    },
    {
        "title": "Africa",
        "description": (
            "News and analysis from across the continent, much of it from partner newsrooms on the ground."
        ),
    },
    {
        "title": "Asia-Pacific",
        "description": (
            "From the Indian subcontinent to the Pacific islands: trade, health, climate and governance."
        ),
    },
    {
        "title": "North America",
        "description": (
            "The United States, Canada and Mexico, with attention to local news and the communities it "
            "serves."
        ),
    },
]

THEMES = [
    {
        "title": "Climate",
        "description": "Heat, drought, energy transitions and the policies meant to manage them.",
        "show_on_home": True,
    },
    {
        "title": "Economy",
        "description": "Prices, debt, trade and work, and who carries the cost when things go wrong.",
        "show_on_home": True,
    },
    {
        "title": "Intelligence",
        "description": (
            "Artificial intelligence, surveillance technology and the agencies and companies that deploy "
            "them."
        ),
        "show_on_home": False,
    },
    {
        "title": "Health",
        "description": "Public health, health systems and the science behind the headlines.",
        "show_on_home": True,
    },
    {
        "title": "Media Freedom",
        "description": (
            "The safety of journalists, the independence of newsrooms and the public's right to know."
        ),
        "show_on_home": False,
    },
]

DOSSIERS = [
    {
        "title": "Running Dry",
        "description": (
            "A running investigation into drought, water rights and the deals that decide who gets water "
            "when there is not enough of it."
        ),
    },
    {
        "title": "Newsrooms Under Pressure",
        "description": (
            "Cases of journalists detained, surveilled or priced off the air, followed from the first report "
            "to the last court hearing."
        ),
    },
    {
        "title": "Borrowed Time",
        "description": (
            "How sovereign debt repayments are reshaping public budgets in lower-income countries, and what "
            "that means for clinics, schools and the people who depend on them."
        ),
    },
]

ARTICLES = [
    # 0 days ago: own reporting, 3 authors
    {
        "title": "Heatwave shuts schools across southern Europe as reservoirs fall to record lows",
        "dek": (
            "Regional governments are rationing water and rewriting school calendars while hospitals brace "
            "for a second week of temperatures above 44C."
        ),
        "authors": ["Maren Holt", "Tomás Ferreira-Lind", "Adaeze Okonkwo-Reyes"],
        "regions": ["Europe"],
        "themes": ["Climate", "Health"],
        "dossiers": ["Running Dry"],
        "days_ago": 0,
        "editors_pick": True,
        "body": [
            "Schools in more than 1,400 municipalities across southern Europe stayed closed on Monday as a "
            "slow-moving heat dome pushed afternoon temperatures past 44C for a sixth consecutive day, and "
            "regional authorities warned that reservoirs feeding several large cities had fallen below the "
            "levels recorded in the worst drought of the past decade. Education officials in at least four "
            "countries moved examinations online or postponed them, while water utilities introduced "
            "overnight supply cuts in towns that had not faced rationing in living memory.",
            "## Rationing reaches the cities",
            "In the coastal city of Almerada, the municipal water company began cutting supply between 11pm "
            "and 6am on Sunday, the first time it has done so since the utility was created. Tanker lorries "
            "are now delivering to two hospitals and a dialysis centre on the city's outskirts. “We are "
            "managing a system that was designed for a climate we no longer have,” said Lucía Barandiarán, "
            "the utility's director of operations.",
            "> “The numbers we are seeing in emergency departments are not yet at the level of previous "
            "summers, but the curve is steeper. What worries us is the second week: people who coped on day "
            "three stop coping on day nine, especially those living alone on upper floors without air "
            "conditioning. We are asking neighbours, pharmacists and postal workers to knock on doors.” — Dr "
            "Stefano Arrighi, head of emergency medicine at a regional hospital network",
            "Health authorities in three regions activated their highest alert level, which allows hospitals "
            "to postpone non-urgent surgery and open additional beds. Preliminary figures shared with "
            "Crosspost Review by one regional health service showed heat-related admissions up 38 percent on "
            "the same week last year, with most patients over 75. Officials cautioned that heat deaths are "
            "usually undercounted until excess-mortality data arrive months later.",
            "## A water deal under strain",
            "The heat has also reopened a quarrel over how water is shared between farming regions and "
            "cities. A basin-wide agreement signed three years ago guaranteed minimum flows to irrigators in "
            "exchange for investment in drip systems and a cap on new wells. Farmers' associations say the "
            "promised funding never arrived; environmental groups say illegal wells have multiplied. Our "
            "[Running Dry dossier](https://crosspost.example.com/dossiers/running-dry/) has tracked the "
            "agreement since it was signed, and the disputed figures at its heart have never been "
            "independently audited.",
        ],
        "note_to_readers": (
            "This article was updated to include the latest hospital admission figures provided by a "
            "regional health service."
        ),
        "repost": None,
    },
    # 1 days ago: repost from Coastline Dispatch (full)
    {
        "title": "A coastal city bets on desalination, and on the price of the power to run it",
        "dek": (
            "Port Selwyn's new plant will supply a fifth of the city's water by next year, but its running "
            "costs depend on an electricity grid residents no longer trust."
        ),
        "authors": ["Nomvula Dlamini-Hart"],
        "regions": ["Africa"],
        "themes": ["Climate", "Economy"],
        "dossiers": ["Running Dry"],
        "days_ago": 1,
        "editors_pick": False,
        "body": [
            "The first thing visitors notice at the desalination works on Port Selwyn's northern shore is "
            "the noise: a steady roar from the high-pressure pumps that force seawater through thousands of "
            "membrane cartridges stacked like library shelves. The second is the size of the substation next "
            "door. When the plant reaches full capacity next year, it will draw roughly as much electricity "
            "as a town of 40,000 people, and the city council is still negotiating who will pay for it.",
            "Port Selwyn came within eleven days of turning off its taps during the drought four years ago, "
            "an episode residents still call “the queue summer” after the lines that formed at municipal "
            "springs. The council responded with a water plan that combined leak repairs, groundwater "
            "recharge and desalination. The first two have quietly succeeded: consumption per household is "
            "down by almost a third. The third has become the most expensive infrastructure project in the "
            "city's history.",
            "## The energy question",
            "Desalination by reverse osmosis needs between three and four kilowatt-hours of electricity for "
            "every cubic metre of fresh water. In a country where scheduled power cuts have become routine, "
            "that creates an obvious risk. The council's engineers designed the plant to store treated water "
            "in reservoirs during the hours when power is available, but a [technical review by the "
            "provincial auditor](https://audit.example.net/reports/port-selwyn-desalination) warned that "
            "storage covers less than two days of output if outages grow longer.",
            "> “People ask me whether desalination is the answer. It is one answer, and it is the most "
            "expensive one, so we put it last in the queue. But the rain we planned for is not coming back, "
            "and a city cannot tell its hospitals to wait for the next wet year. What we can do is make sure "
            "the plant runs on the cheapest, cleanest power we can find.” — Thandiwe Mokoena, the council's "
            "head of water and sanitation",
            "For residents, the most visible change will be on their bills. Under the tariff approved last "
            "month, households using less than six kilolitres a month will pay nothing extra, while heavy "
            "users, mainly in the wealthier suburbs along the ridge, will pay steeply more. “It is fair on "
            "paper,” said Zanele Khumalo, who chairs a ratepayers' association in one of the city's older "
            "townships. “Whether it is fair in practice depends on whether the meters work, and in our area "
            "half of them do not.”",
        ],
        "note_to_readers": "",
        "repost": {
            "publication": "Coastline Dispatch",
            "original_url": "https://coastline-dispatch.example.net/2026/port-selwyn-desalination-power",
            "original_days_ago": 2,
            "mode": "full",
        },
    },
    # 1 days ago: own reporting, 2 authors
    {
        "title": "Central banks hold rates as food prices refuse to follow the forecasts",
        "dek": (
            "Headline inflation has cooled across most large economies, but the cost of a weekly shop keeps "
            "climbing, and policymakers are running out of ways to explain why."
        ),
        "authors": ["Tomás Ferreira-Lind", "Maren Holt"],
        "regions": ["Europe", "North America", "Latin America"],
        "themes": ["Economy", "Climate"],
        "dossiers": [],
        "days_ago": 1,
        "editors_pick": False,
        "body": [
            "Three of the world's most closely watched central banks left interest rates unchanged this "
            "week, citing the same stubborn problem in almost identical language: inflation is falling, just "
            "not where households notice it. Energy prices have eased and the cost of manufactured goods has "
            "flattened, yet food prices in most advanced economies are still rising at two to three times "
            "the pace policymakers consider comfortable, and in several emerging markets the gap is wider "
            "still.",
            "The divergence matters because food is the price people see most often. Surveys of household "
            "inflation expectations have barely moved in a year. “People do not experience the consumer "
            "price index,” said Henrik Aalto, a former deputy governor who now teaches at a business school. "
            "“They experience the price of eggs, coffee and cooking oil, and they adjust their wage demands "
            "accordingly.”",
            "## Weather, not wages",
            "Economists offer several explanations, and most of them lead back to the climate. Successive "
            "poor harvests of cocoa, coffee and olives have pushed wholesale prices to levels that would "
            "have seemed implausible five years ago. Extreme heat has cut vegetable yields in southern "
            "Europe and North Africa, while drought has raised the cost of animal feed in the Americas. An "
            "[analysis by the Agrifood Price "
            "Observatory](https://agriprices.example.org/notes/weather-shocks) estimates that weather shocks "
            "explain more than half of the rise in food inflation since last spring.",
            "That diagnosis is awkward for central bankers, whose main tool, the interest rate, does nothing "
            "to make it rain. Raising rates further would cool demand across the whole economy to fight "
            "price increases that originate in a handful of fields and orchards. Cutting them could signal "
            "that the bank has stopped caring about the prices that shape public opinion. Holding steady, "
            "the option chosen this week by all three banks, buys time but leaves the question unanswered.",
            "> “We cannot irrigate a farm with monetary policy. What we can do is make sure that a shock to "
            "food prices does not turn into a general spiral of wages and prices. So far the evidence says "
            "that is not happening, and that is why we have been patient. If the evidence changes, our "
            "patience will change with it.” — Margarida Vaz Pinto, member of a monetary policy committee, "
            "speaking to reporters after the decision",
        ],
        "note_to_readers": "",
        "repost": None,
    },
    # 2 days ago: repost from The Danube Ledger (excerpt)
    {
        "title": "Spyware invoices point to a surveillance contract no minister admits signing",
        "dek": (
            "Documents seen by The Danube Ledger show a state agency paid a private intermediary for "
            "phone-hacking software that was never declared to parliament's oversight committee."
        ),
        "authors": ["Ilse Varga"],
        "regions": ["Europe"],
        "themes": ["Intelligence", "Media Freedom"],
        "dossiers": ["Newsrooms Under Pressure"],
        "days_ago": 2,
        "editors_pick": True,
        "body": [
            "A state agency paid more than 2.3 million euros over two years to a private intermediary for "
            "phone-surveillance software, according to invoices and internal correspondence reviewed by The "
            "Danube Ledger, even though the purchase was never reported to the parliamentary committee that "
            "is supposed to approve such tools. The payments were routed through a budget line labelled "
            "“specialist communications equipment”, a category normally used for radios and encrypted "
            "handsets.",
            "The documents, which run to more than 140 pages, were provided by a person with direct "
            "knowledge of the agency's procurement and were verified by the Ledger through independent "
            "sources, corporate registries and metadata analysis. They show that the Directorate for "
            "Technical Operations, a little-known unit attached to the interior ministry, signed a licence "
            "agreement with Kestrel Data Solutions, a company registered in a free-trade zone, for a product "
            "described in the contract only as “mobile endpoint analytics”.",
            "## A product by another name",
            "Security researchers who examined technical annexes to the contract for the Ledger said the "
            "capabilities listed matched those of commercial spyware able to extract messages, photographs "
            "and location history from a phone without its owner's knowledge. Two researchers at the "
            "[Citizen Forensics Lab](https://forensics.example.org/research/mobile-endpoint-analytics), an "
            "independent group that investigates digital attacks on civil society, said the annex included a "
            "server configuration they had previously linked to infections of journalists' devices in the "
            "region.",
            "> “If the agency believed this tool was lawful, there was a procedure for that. The law "
            "requires notification to the committee before deployment, not a line hidden in an equipment "
            "budget. Either someone broke the law, or someone believes the law does not apply to them, and I "
            "honestly do not know which is worse.” — Viktória Szalai, opposition member of the parliamentary "
            "oversight committee",
            "The interior ministry said in a written statement that all equipment used by its agencies “is "
            "acquired and operated in full compliance with the law” and that it could not comment on "
            "“operational capabilities for reasons of national security”. It did not answer specific "
            "questions about the invoices, the intermediary, or why the committee had not been informed. "
            "Kestrel Data Solutions did not respond to emails or to a letter delivered to its registered "
            "address.",
            "The revelations come as at least three journalists and a human rights lawyer in the country "
            "have received warnings from their phone manufacturers that their devices may have been targeted "
            "by state-sponsored attackers. One of them, an editor at a regional news site, told the Ledger "
            "she had stopped meeting sources in person after the warning arrived. “The most dangerous thing "
            "is not what they read,” she said. “It is what my sources now decide not to tell me.”",
        ],
        "note_to_readers": "",
        "repost": {
            "publication": "The Danube Ledger",
            "original_url": "https://danubeledger.example.com/2026/spyware-invoices-surveillance-contract",
            "original_days_ago": 3,
            "mode": "excerpt",
        },
    },
    # 4 days ago: own reporting, 1 author
    {
        "title": "Island nurses race to close a measles vaccination gap",
        "dek": (
            "After three years of missed appointments and closed clinics, health workers are travelling by "
            "boat to reach children who never received their first dose."
        ),
        "authors": ["Adaeze Okonkwo-Reyes"],
        "regions": ["Asia-Pacific"],
        "themes": ["Health"],
        "dossiers": [],
        "days_ago": 4,
        "editors_pick": False,
        "body": [
            "The health ministry's launch leaves the harbour at first light, loaded with cool boxes, a "
            "generator and three nurses who will spend the next nine days moving between villages in the "
            "Tavuni island group. Their target is simple to state and hard to reach: every child under seven "
            "who has not received two doses of measles vaccine. By the ministry's own estimate, that is "
            "about one child in four in the outer islands, double the share before the pandemic disrupted "
            "routine immunisation.",
            "Measles is among the most contagious diseases known, and public health specialists consider "
            "coverage of 95 percent necessary to prevent outbreaks. Regional agencies have reported rising "
            "case numbers for a second year. In Tavuni, a cluster of 63 cases last year put eleven children "
            "in hospital and prompted the national government to fund the outreach campaign now under way.",
            "## Distance and distrust",
            "Distance is the first obstacle. Some villages are six hours by boat from the nearest health "
            "centre, and vaccines must be kept between two and eight degrees Celsius the whole way. The "
            "ministry has begun installing solar-powered refrigerators donated by a regional development "
            "bank, allowing three remote clinics to stock vaccines for the first time in years. [Cold-chain "
            "data published by the ministry](https://health.example.net/immunisation/cold-chain-dashboard) "
            "shows that spoilage has fallen sharply where the units are in place.",
            "Distrust is the second obstacle, and harder to measure. Nurses on the launch said most parents "
            "welcomed them, but a minority cited stories circulating on social media about side effects, "
            "many of them recycled from other countries. “I do not argue with the mother,” said Mere "
            "Tuilagi, a nurse who has worked in the outer islands for nineteen years. “I sit down, I ask "
            "what she has heard, and I tell her what I saw in the hospital last year. Usually that is "
            "enough. Sometimes it takes two visits.”",
            "> “Our biggest risk is not that parents refuse. It is that they are never asked, because the "
            "clinic was closed, because the boat did not come, because the nurse was transferred and not "
            "replaced. Every child we reach on this trip is a child the system missed, and we need to fix "
            "the system so that we are not doing this again in five years.” — Dr Sione Havili, director of "
            "public health at the ministry",
        ],
        "note_to_readers": "",
        "repost": None,
    },
    # 6 days ago: repost from Meridiano Abierto (full)
    {
        "title": "Lithium boom leaves highland villages asking who owns the water",
        "dek": (
            "As extraction expands across the salt flats, Indigenous communities say their springs are "
            "drying up, and the mining companies say the data is on their side."
        ),
        "authors": ["Rafael Quintana Solís"],
        "regions": ["Latin America"],
        "themes": ["Climate", "Economy"],
        "dossiers": ["Running Dry"],
        "days_ago": 6,
        "editors_pick": True,
        "body": [
            "From the church steps in San Lorenzo de Quilpana, 3,600 metres above sea level, the evaporation "
            "ponds of the lithium operations look like a row of turquoise tiles laid across the white salt "
            "flat. For the village's 400 residents, most of whom keep llamas and grow quinoa on small "
            "terraced plots, the ponds are a daily reminder of a question nobody has answered to their "
            "satisfaction: how much water is left beneath the salar, and who has the right to use it.",
            "Lithium is extracted here by pumping brine from underground and leaving it to evaporate in the "
            "sun for up to eighteen months. The process uses little fresh water directly, the companies say, "
            "but hydrologists warn that pumping brine can change the pressure of connected aquifers, drawing "
            "fresh water toward the salt flat and away from the springs and wetlands at its edges. Residents "
            "say three springs used by their herds have dried up since production expanded.",
            "## Competing numbers",
            "The two largest operators on the salar, Andes Brine Minerals and a state-owned joint venture, "
            "point to monitoring data showing groundwater levels within the ranges set by their "
            "environmental permits. “We measure every month at 58 wells, and we publish the results,” said "
            "Paula Cárdenas, sustainability manager at Andes Brine Minerals. “We understand the concern, but "
            "the data do not show that our operations are affecting the freshwater system the communities "
            "depend on.”",
            "Independent hydrologists are more cautious. A [peer-reviewed modelling "
            "study](https://hydrology.example.org/papers/salar-quilpana-aquifer) by researchers at a "
            "national university found that the existing monitoring network is too sparse to detect slow "
            "changes in the aquifer for at least a decade, by which time any damage may be irreversible. The "
            "authors recommended an independent monitoring body, funded by the companies but governed by "
            "scientists and community representatives.",
            "> “They tell us the water they take is salty, that it is not our water. But the earth does not "
            "have walls under it. My grandmother watered her animals at the spring below the chapel every "
            "morning of her life. Today there is only mud there, and the company shows me a graph.” — "
            "Eusebia Mamani, president of the San Lorenzo de Quilpana community council, speaking at an "
            "assembly held in the village school",
            "The national government, which has declared lithium a strategic resource and wants to double "
            "output within five years, says it is drafting rules that would require prior consultation with "
            "Indigenous communities before any expansion. They want a share of royalties and a veto over new "
            "wells within ten kilometres of their springs, demands the mining ministry has so far declined "
            "to accept.",
        ],
        "note_to_readers": "",
        "repost": {
            "publication": "Meridiano Abierto",
            "original_url": "https://meridiano-abierto.example.org/2026/lithium-salar-quilpana-water",
            "original_days_ago": 7,
            "mode": "full",
        },
    },
    # 9 days ago: own reporting, 2 authors
    {
        "title": "Record number of journalists held without trial, press safety census finds",
        "dek": (
            "An annual count by an independent observatory found 312 reporters in pre-trial detention "
            "worldwide, many held under broadly worded laws on terrorism, false news or foreign funding."
        ),
        "authors": ["Maren Holt", "Adaeze Okonkwo-Reyes"],
        "regions": ["Africa", "Asia-Pacific", "Latin America"],
        "themes": ["Media Freedom"],
        "dossiers": ["Newsrooms Under Pressure"],
        "days_ago": 9,
        "editors_pick": False,
        "body": [
            "More journalists are being held in prison without having been convicted of any crime than at "
            "any point since records began, according to the annual census published this week by the "
            "International Observatory for Press Safety, an independent monitoring group. Of the 540 media "
            "workers the observatory counted behind bars on its reference date, 312 were awaiting trial, "
            "some of them for more than three years. The figure has risen in each of the last five censuses.",
            "The observatory's researchers say pre-trial detention has become the preferred tool of "
            "governments that want to silence reporters without the international attention a conviction "
            "brings. Charges are filed, hearings are postponed, and the journalist stays inside while the "
            "case goes nowhere. “Detention is the punishment,” the report concludes. “The trial, if it ever "
            "comes, is a formality.”",
            "## Laws with broad wording",
            "Most of the detained journalists face charges under laws on terrorism, the spreading of false "
            "information or the receipt of foreign funding, categories the observatory says are drafted "
            "broadly enough to cover ordinary reporting. In at least 40 cases, the evidence listed in the "
            "indictment consisted of published articles, social media posts or messages exchanged with "
            "sources. The full dataset, including every case file the researchers were able to obtain, is "
            "[available on the observatory's website](https://pressafety.example.org/census/data).",
            "Detentions were recorded in every region, though a small number of countries account for more "
            "than half of the total. Freelancers and reporters for local outlets make up a growing share, a "
            "shift the authors attribute to their lack of institutional protection. “A correspondent for an "
            "international broadcaster has lawyers, an embassy that calls, an editor who makes noise,” said "
            "Amara Diallo, who leads the observatory's Africa desk. “A reporter for a provincial radio "
            "station has her family.”",
            "The report also documents a smaller, more hopeful trend: 87 journalists were released during "
            "the year, many after sustained campaigns by colleagues, press unions and cross-border reporting "
            "networks. Several of those freed said that continued publication of their work by other "
            "outlets, including through republishing agreements, made it harder for authorities to claim "
            "they were not real journalists. Our [Newsrooms Under Pressure "
            "dossier](https://crosspost.example.com/dossiers/newsrooms-under-pressure/) follows several of "
            "the cases in the census.",
        ],
        "note_to_readers": "",
        "repost": None,
    },
    # 12 days ago: repost from The Danube Ledger (excerpt)
    {
        "title": "The city that paid for the same bus fleet twice",
        "dek": (
            "A chain of shell companies turned a routine purchase of electric buses into a contract worth "
            "almost double the vehicles' list price, a Ledger investigation has found."
        ),
        "authors": ["Ilse Varga"],
        "regions": ["Europe"],
        "themes": ["Economy"],
        "dossiers": [],
        "days_ago": 12,
        "editors_pick": False,
        "body": [
            "When the city of Várhely unveiled sixty electric buses at a ceremony in its main square two "
            "years ago, the mayor called them “the cleanest public investment in the city's history”. "
            "Records obtained by The Danube Ledger suggest the investment was also one of its most "
            "expensive. Through a lease-and-buyback arrangement with a chain of intermediary companies, the "
            "city has committed to paying 94 million euros for vehicles that the manufacturer's own price "
            "list valued at around 51 million.",
            "The Ledger spent seven months tracing the ownership of the companies involved, using corporate "
            "filings in four jurisdictions, court records and banking documents shared by a former employee "
            "of one intermediary. The trail leads from the city's transport company to Halvora Mobility "
            "Holdings, a firm incorporated three weeks before the tender closed, and from there through two "
            "holding companies to a trust whose beneficiaries include a relative of a former deputy mayor.",
            "## Bought, sold and leased back",
            "The mechanism was not hidden so much as layered. Halvora bought the buses from the manufacturer "
            "and sold them at a markup to a second company, which leased them to the city's transport "
            "operator on a twelve-year contract ending in a large final purchase payment. Each step was "
            "legal on its own. Together, procurement specialists told the Ledger, they turned a "
            "straightforward purchase into a financing deal whose true cost never appeared in any single "
            "document presented to the city council.",
            "> “Nobody on the council voted to pay 94 million. We voted on a monthly lease figure that "
            "looked reasonable, and the final purchase clause was in an annex we received the evening before "
            "the vote. I read it at midnight and I did not understand it. I am not sure anyone did.” — "
            "Gergely Fazekas, an independent member of the Várhely city council",
            "The former deputy mayor, who left office last year, told the Ledger through a lawyer that he "
            "had no involvement in the tender and no knowledge of his relative's business interests. Halvora "
            "Mobility Holdings said the price reflected “financing, maintenance and risk transfer services "
            "provided over the life of the contract”. The city's transport company said it had followed the "
            "procurement rules in force at the time and would cooperate with any review.",
            "The national anti-fraud office confirmed this week that it had opened a preliminary inquiry. A "
            "[summary of the findings and the key "
            "documents](https://danubeledger.example.com/investigations/varhely-buses/documents) has been "
            "published alongside the investigation, with personal data redacted. Procurement experts say the "
            "case exposes a gap in rules designed for simple purchases, which struggle to capture the full "
            "cost of the complex financing deals now common in green infrastructure.",
        ],
        "note_to_readers": "",
        "repost": {
            "publication": "The Danube Ledger",
            "original_url": "https://danubeledger.example.com/2026/varhely-electric-buses-shell-companies",
            "original_days_ago": 13,
            "mode": "excerpt",
        },
    },
    # 17 days ago: own reporting, 3 authors
    {
        "title": "Borrowed Time: when debt repayments crowd out clinics and classrooms",
        "dek": (
            "In a dozen lower-income countries, governments now spend more servicing foreign debt than on "
            "health and education combined, and the squeeze is showing up on hospital wards."
        ),
        "authors": ["Tomás Ferreira-Lind", "Adaeze Okonkwo-Reyes", "Maren Holt"],
        "regions": ["Africa", "Latin America", "Asia-Pacific"],
        "themes": ["Economy", "Health"],
        "dossiers": ["Borrowed Time"],
        "days_ago": 17,
        "editors_pick": True,
        "body": [
            "At the district hospital in Lowani, the maternity ward has not had a working incubator for "
            "months, and the pharmacy shelves are stocked from a list drawn up by a charity rather than the "
            "health ministry. Three hundred kilometres away in the capital, the finance ministry is "
            "preparing its largest-ever repayment to foreign creditors. The two facts are connected, and "
            "they are repeated, with local variations, in a growing number of countries.",
            "Crosspost Review analysed budget documents from 24 low- and lower-middle-income countries over "
            "the past five years. In twelve of them, interest and principal payments on external debt now "
            "exceed combined government spending on health and education. Five years ago, that was true of "
            "three. Our full [methodology and country "
            "tables](https://crosspost.example.com/dossiers/borrowed-time/methodology) are published "
            "alongside this article, including the cases where budgets were incomplete or unavailable.",
            "## How the squeeze happened",
            "The causes are familiar to economists but rarely felt so sharply. Many governments borrowed "
            "heavily during years of low global interest rates, often in foreign currencies and from a mix "
            "of bondholders, commercial banks and bilateral lenders. When rates rose and local currencies "
            "weakened, the cost of servicing those loans climbed just as revenues were squeezed by slower "
            "growth. Restructuring talks, where they exist, have moved slowly because creditors disagree "
            "over who should take losses first.",
            "> “Every finance minister I know is doing the same arithmetic. You can default and lose access "
            "to markets for a decade, or you can pay and cut the budgets that have no lobby in the capital: "
            "rural clinics, teacher training, maintenance. Nobody announces those cuts. They just happen, "
            "line by line.” — Oluwaseun Adeyemi-Brandt, a former finance ministry official now at a debt "
            "policy research centre",
            "The effects are uneven and often invisible in national statistics. Health workers in four "
            "countries told us that salaries were arriving weeks late, that vacant posts were being frozen "
            "rather than filled, and that purchases of basic supplies had shifted to donors and charities. "
            "In one country, the health ministry's capital budget, which pays for buildings and equipment, "
            "was cut by 60 percent in a single year, while the allocation for debt service rose by almost "
            "exactly the same amount.",
            "Creditors argue that honouring debts protects the credibility countries need to borrow again. "
            "Some lenders have offered temporary payment pauses after climate disasters, and a handful of "
            "recent restructurings included clauses protecting social spending. Campaigners say such clauses "
            "are rare and weakly enforced. A senior official at a multilateral lender, speaking on condition "
            "of anonymity, acknowledged that “the system is designed to get creditors paid, not to keep "
            "clinics open”.",
        ],
        "note_to_readers": (
            "Figures in this article come from budget documents published by the governments concerned; "
            "where documents were incomplete or unavailable, we say so in the methodology."
        ),
        "repost": None,
    },
    # 23 days ago: repost from Coastline Dispatch (full)
    {
        "title": "Satellite trackers made the sea safer for small fishing crews, and exposed the trawlers",
        "dek": (
            "A low-cost vessel-monitoring programme has cut deaths at sea along the coast, and its data is "
            "now being used to catch industrial boats fishing where they should not."
        ),
        "authors": ["Nomvula Dlamini-Hart"],
        "regions": ["Africa"],
        "themes": ["Intelligence", "Economy"],
        "dossiers": [],
        "days_ago": 23,
        "editors_pick": False,
        "body": [
            "For most of his thirty years at sea, Sipho Ndlovu told his wife he would be home by nightfall "
            "and hoped the weather would let him keep his word. Since last year, his wooden boat has carried "
            "a solar-powered transponder the size of a paperback, which sends its position to a shore "
            "station every five minutes. If the signal stops, or the boat drifts outside its usual grounds, "
            "an alert goes to the harbour's rescue volunteers. “Now she can see me on her phone,” he said. "
            "“She still worries, but she worries less.”",
            "The transponders are part of a pilot programme run by a coalition of fishing cooperatives, a "
            "maritime research institute and the provincial fisheries department. More than 1,100 small "
            "boats along a 400-kilometre stretch of coast now carry them. The cooperatives say deaths at sea "
            "among their members fell from fourteen in the year before the programme to three in the year "
            "since, though they caution that one good year does not make a trend.",
            "## Eyes on the trawlers",
            "The programme's less expected effect has been on enforcement. Because the small-scale fleet is "
            "now visible, analysts at the institute can combine its data with satellite radar images and the "
            "positions broadcast by large commercial vessels. Boats that appear on radar but broadcast no "
            "position stand out. Over eight months, the institute identified 212 instances of what it "
            "believes were industrial trawlers inside the inshore zone reserved for artisanal fishers, and "
            "published [a map of the incidents](https://oceanwatch.example.net/maps/inshore-incursions).",
            "> “For years the small fishers told us the big boats were coming in at night, and for years we "
            "had no way to prove it. Now the fishers themselves are the sensor network. Every boat that "
            "carries a transponder helps us see the ones that do not want to be seen.” — Dr Lindiwe "
            "Mahlangu, marine data scientist at the research institute, which runs the analysis",
            "Not every fisher has welcomed the devices. Some worry that the location data could be used to "
            "tax them, or that rivals could learn their best grounds. The coalition says data on individual "
            "small boats is shared only with rescue services and, in anonymised form, with researchers. "
            "“Trust is the whole thing,” said Ayanda Zulu, who coordinates the programme for the "
            "cooperatives. “If one fisher gets a fine because of this box, a hundred will throw theirs "
            "overboard.”",
        ],
        "note_to_readers": "",
        "repost": {
            "publication": "Coastline Dispatch",
            "original_url": "https://coastline-dispatch.example.net/2026/fishing-transponders-dark-trawlers",
            "original_days_ago": 24,
            "mode": "full",
        },
    },
    # 30 days ago: own reporting, 1 author
    {
        "title": "Can a carbon border levy survive its first audit?",
        "dek": (
            "Importers of steel, cement and aluminium have filed their first priced declarations under "
            "Europe's border levy, and auditors say the hardest part is not the price but the paperwork."
        ),
        "authors": ["Tomás Ferreira-Lind"],
        "regions": ["Europe", "Asia-Pacific"],
        "themes": ["Climate", "Economy"],
        "dossiers": [],
        "days_ago": 30,
        "editors_pick": False,
        "body": [
            "For three years, importers of steel, cement, aluminium and fertiliser into Europe have filed "
            "reports on the carbon emitted in making their goods. This year, for the first time, those "
            "reports carry a price. The carbon border levy, designed to stop heavy industry from moving "
            "production to places with weaker climate rules, now requires importers to buy certificates "
            "matching the emissions embedded in what they bring in. The first full round of declarations has "
            "just closed, and the early verdict from auditors is mixed.",
            "An interim review by a panel of independent auditors, [published this "
            "week](https://climatepolicy.example.org/reviews/border-levy-interim), found that about a third "
            "of declarations relied on default emissions values rather than data from the factories that "
            "actually produced the goods. Default values are set deliberately high to encourage exporters to "
            "measure their real emissions, but many small importers simply paid the higher price rather than "
            "chase suppliers for data they could not verify.",
            "## Paperwork at the border",
            "The burden falls unevenly. Large steelmakers with plants in Asia have hired consultants and "
            "installed monitoring equipment. Small importers of bolts, pipes and fittings describe a "
            "different experience. “I buy from eleven factories,” said Anneke Vos, who runs a family firm "
            "importing industrial fasteners. “Two of them sent me proper data. The rest sent me a "
            "spreadsheet with numbers I am fairly sure somebody invented.”",
            "Exporting countries have been sharper in their criticism. Trade officials from several Asian "
            "economies argue that the levy is a tariff dressed up as climate policy, and that it ignores "
            "carbon prices and regulations they have introduced at home. “We have our own emissions trading "
            "system, our own targets, our own verification,” said Ravi Menon-Clarke, a trade negotiator from "
            "one of those countries. “To be told our numbers do not count unless a European auditor approves "
            "them is not a partnership.”",
            "Supporters point to early signs that the levy is doing what it was meant to do. Several steel "
            "producers outside Europe have announced investments in electric arc furnaces and hydrogen-ready "
            "plants, citing the levy among their reasons. Revenue from certificate sales has come in "
            "slightly above forecasts. Whether those gains outweigh the administrative cost and the "
            "diplomatic friction is the question the final audit, due next year, will have to answer.",
        ],
        "note_to_readers": "",
        "repost": None,
    },
    # 38 days ago: repost from Meridiano Abierto (full)
    {
        "title": "In the Andes, a community radio station fights to keep its frequency",
        "dek": (
            "Radio Wayra has broadcast in Quechua and Spanish for 27 years; a new licensing auction could "
            "hand its frequency to the highest bidder."
        ),
        "authors": ["Rafael Quintana Solís"],
        "regions": ["Latin America"],
        "themes": ["Media Freedom"],
        "dossiers": ["Newsrooms Under Pressure"],
        "days_ago": 38,
        "editors_pick": False,
        "body": [
            "Every morning at five, before the buses leave for the market town below, Radio Wayra reads the "
            "prices of potatoes, beans and wool in Quechua and then in Spanish. For the farmers of the "
            "valley, the bulletin is as essential as the weather forecast that follows it. The station, run "
            "by a cooperative of volunteers from a converted storeroom behind the parish hall, has broadcast "
            "on the same frequency for twenty-seven years. It may not be able to do so much longer.",
            "Under new rules issued by the national telecommunications regulator, FM licences that expire "
            "this year will be reassigned through a public auction. The regulator says the change brings "
            "transparency to a system long criticised for favouritism. Community broadcasters say it will "
            "price them out. Radio Wayra's annual budget, drawn from listener donations and a small grant "
            "from a church foundation, is less than the minimum bid set for its frequency.",
            "## An auction built for commercial stations",
            "The rules reserve a share of frequencies for community and Indigenous media, but broadcasters "
            "say the reservation covers too few licences and applies mainly to areas where there is little "
            "competition anyway. A [legal analysis by a coalition of community "
            "broadcasters](https://radiocomunitaria.example.org/analysis/auction-rules) argues that the "
            "reservation conflicts with regional human rights standards, which call on states to guarantee "
            "community media fair access to the airwaves.",
            "> “Commercial stations are welcome here, but they do not read the potato prices in Quechua, "
            "they do not announce when the health brigade is coming, and they did not stay on the air for "
            "three days when the landslide cut the road. We did. You cannot put that in an auction bid.” — "
            "Juana Huamán Ccori, coordinator of Radio Wayra",
            "The regulator's president, Ernesto Villafañe, said in an interview that the agency was "
            "listening to community broadcasters and was considering a discount on minimum bids for stations "
            "that can show a record of public-service programming. “The goal is not to close anyone,” he "
            "said. “The goal is to end the practice of frequencies being handed out by phone call. If that "
            "means special conditions for community media, we are open to it.”",
            "Press freedom groups are watching closely. In the past decade, community stations across the "
            "region have faced pressure ranging from equipment seizures to criminal complaints over their "
            "coverage of mining conflicts. Some activists see the auction as a quieter form of the same "
            "pressure, one that requires no raids. For now, Radio Wayra is raising money through a festival, "
            "a raffle of two alpacas and an appeal to listeners abroad, and it intends to bid.",
        ],
        "note_to_readers": "",
        "repost": {
            "publication": "Meridiano Abierto",
            "original_url": "https://meridiano-abierto.example.org/2026/radio-wayra-frequency-auction",
            "original_days_ago": 40,
            "mode": "full",
        },
    },
    # 47 days ago: own reporting, 2 authors
    {
        "title": "Hospitals test AI triage tools, and nurses ask who answers for the mistakes",
        "dek": (
            "Software that ranks emergency patients by risk is spreading quickly through hospital networks, "
            "often faster than the rules on how it should be checked."
        ),
        "authors": ["Adaeze Okonkwo-Reyes", "Tomás Ferreira-Lind"],
        "regions": ["North America", "Europe"],
        "themes": ["Health", "Intelligence"],
        "dossiers": [],
        "days_ago": 47,
        "editors_pick": False,
        "body": [
            "In the emergency department of a large teaching hospital, a screen beside the nurses' station "
            "lists the patients in the waiting room. Next to each name is a coloured bar generated by "
            "software that estimates the risk that the patient will deteriorate in the next six hours. "
            "Nurses still make the triage decision, hospital managers insist. But several nurses who spoke "
            "to Crosspost Review said the bar had quietly become the first thing anyone looked at.",
            "Tools of this kind are spreading rapidly across hospital networks in North America and Europe, "
            "sold as a way to ease pressure on overstretched emergency departments. Their developers say "
            "they can spot subtle warning signs in vital signs and laboratory results that a busy human "
            "might miss. Early studies, most of them funded by the developers, report modest improvements in "
            "how quickly the sickest patients are seen. Independent evaluations remain scarce.",
            "## Who checks the checker",
            "Regulation varies widely. Some triage tools are classified as medical devices and must be "
            "approved before use; others are marketed as decision-support software and face lighter "
            "requirements. A [review by a health technology assessment "
            "agency](https://hta.example.net/reports/ai-triage-review) found that of 19 tools in use across "
            "the hospitals it surveyed, only seven had been tested on patients similar to those they now "
            "serve, and only three had been checked for differences in accuracy by age, sex or ethnicity.",
            "Nurses' unions have raised a different concern: accountability. If a patient rated low-risk by "
            "the software deteriorates in the waiting room, the nurse who accepted the rating may face the "
            "consequences, not the vendor or the hospital that bought the tool. “We are being asked to "
            "supervise a machine whose workings we cannot see,” said Caroline Ashdown, a nurse and union "
            "representative. “If we overrule it and we are wrong, we are blamed. If we follow it and it is "
            "wrong, we are blamed.”",
            "The company behind one widely used tool, Clearpath Clinical, said its software was designed to "
            "support rather than replace clinical judgement, and that hospitals receive monthly reports on "
            "its performance with their own patients. Hospital managers argue that the alternative is not a "
            "perfect human system but longer waits, and that the fair comparison is with triage as it "
            "actually works on a crowded night.",
        ],
        "note_to_readers": (
            "Crosspost Review has no financial relationship with any of the companies named in this article."
        ),
        "repost": None,
    },
    # 58 days ago: own reporting, 2 authors
    {
        "title": "Election-season deepfakes put small newsrooms on the front line",
        "dek": (
            "With regulators slow to act, local editors are becoming the first and sometimes the only line "
            "of verification for synthetic audio and video."
        ),
        "authors": ["Maren Holt", "Tomás Ferreira-Lind"],
        "regions": ["North America"],
        "themes": ["Intelligence", "Media Freedom"],
        "dossiers": ["Newsrooms Under Pressure"],
        "days_ago": 58,
        "editors_pick": False,
        "body": [
            "The audio clip reached the newsroom of a small-town weekly on a Thursday evening, forwarded by "
            "three different readers within an hour. It appeared to capture a county commissioner, two weeks "
            "before a primary election, promising a developer that a zoning vote would go his way. The voice "
            "was right, the background noise was plausible, and the commissioner had in fact dined with the "
            "developer the week before. The clip was also, as the paper eventually established, fabricated.",
            "Episodes like this are becoming routine for local news organisations across North America, "
            "according to editors, researchers and a [survey of 230 local "
            "newsrooms](https://localnewslab.example.org/surveys/synthetic-media) published by a journalism "
            "research centre. Nearly half of respondents said they had received suspected synthetic audio or "
            "video in the past year, usually about local candidates. Fewer than one in five said they had "
            "access to forensic tools or experts who could help them assess it.",
            "## Verification without a lab",
            "Without specialist software, editors fall back on old-fashioned reporting. The weekly's editor, "
            "Dana Whitcombe, spent the weekend calling people who had attended the dinner, checking the "
            "restaurant's layout against background sounds in the clip, and asking the commissioner for his "
            "own recording of an earlier public meeting for comparison. “The tools that detect fakes are "
            "getting better, but so are the fakes,” she said. “What still works is asking who was in the "
            "room.”",
            "Platforms have introduced labels for content they detect as machine-generated, and several "
            "states have passed laws requiring disclosure of synthetic media in political advertising. But "
            "the laws typically cover paid advertising, not clips circulated anonymously in messaging "
            "groups, and platform labels depend on detection systems that researchers say are easy to evade.",
            "Some newsrooms are pooling resources. A network of twenty local outlets in the Midwest now "
            "shares a verification desk staffed by two reporters and a part-time audio engineer, funded by a "
            "regional foundation. Its coordinator, Marcus Oyelaran-Pike, said the desk had reviewed 41 clips "
            "in its first six months and found eleven to be synthetic. “The point is not that we catch "
            "everything,” he said. “The point is that no editor should have to make this call alone at "
            "midnight.”",
        ],
        "note_to_readers": "",
        "repost": None,
    },
]
