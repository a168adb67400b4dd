"""Hand-written French and Arabic translations for part of the demo content: pure data.

``ARTICLE_TRANSLATIONS`` is keyed by the exact English title used in ``demo_content.ARTICLES``.
Each ``body`` list has the same length and order as the English one; "## " subheadings,
"> " quotations and markdown link URLs are kept as in the original.

``UI_TRANSLATIONS`` maps English interface strings to French and Arabic; ``%(name)s``-style
placeholders are kept unchanged.
"""

from __future__ import annotations

ARTICLE_TRANSLATIONS = {
    "Heatwave shuts schools across southern Europe as reservoirs fall to record lows": {
        "fr": {
            "note_to_readers": (
                "Cet article a été mis à jour pour inclure les derniers chiffres d'admissions à l'hôpital "
                "fournis par un service de santé régional."
            ),
            "title": "La canicule ferme les écoles dans le sud de l'Europe, les réservoirs au plus bas",
            "dek": (
                "Les gouvernements régionaux rationnent l'eau et réécrivent les calendriers scolaires, "
                "tandis que les hôpitaux se préparent à une deuxième semaine de températures supérieures à "
                "44\xa0°C."
            ),
            "body": [
                (
                    "Les écoles de plus de 1\xa0400 communes du sud de l'Europe sont restées fermées "
                    "lundi\xa0: un dôme de chaleur quasi immobile a fait grimper les températures de "
                    "l'après-midi au-delà de 44\xa0°C pour le sixième jour consécutif, et les autorités "
                    "régionales ont averti que les réservoirs qui alimentent plusieurs grandes villes "
                    "étaient descendus sous les niveaux relevés lors de la pire sécheresse de la dernière "
                    "décennie. Dans au moins quatre pays, les responsables de l'éducation ont basculé les "
                    "examens en ligne ou les ont reportés, tandis que les compagnies des eaux ont instauré "
                    "des coupures nocturnes dans des villes qui n'avaient jamais connu de rationnement de "
                    "mémoire d'homme."
                ),
                "## Le rationnement gagne les villes",
                (
                    "Dans la ville côtière d'Almerada, la compagnie municipale des eaux a commencé dimanche "
                    "à couper l'approvisionnement entre 23\xa0h et 6\xa0h, une première depuis sa création. "
                    "Des camions-citernes ravitaillent désormais deux hôpitaux et un centre de dialyse en "
                    "périphérie de la ville. «\xa0Nous gérons un réseau conçu pour un climat qui n'existe "
                    "plus\xa0», a déclaré Lucía Barandiarán, directrice des opérations de la compagnie."
                ),
                (
                    "> «\xa0Les chiffres que nous observons aux urgences n'atteignent pas encore ceux des "
                    "étés précédents, mais la courbe est plus raide. Ce qui nous inquiète, c'est la deuxième "
                    "semaine\xa0: ceux qui tenaient le coup au troisième jour ne tiennent plus au neuvième, "
                    "en particulier les personnes seules qui vivent dans les étages élevés sans "
                    "climatisation. Nous demandons aux voisins, aux pharmaciens et aux facteurs de frapper "
                    "aux portes.\xa0» — Dr Stefano Arrighi, chef des urgences d'un réseau hospitalier "
                    "régional"
                ),
                (
                    "Dans trois régions, les autorités sanitaires ont déclenché leur niveau d'alerte "
                    "maximal, qui permet aux hôpitaux de reporter les opérations non urgentes et d'ouvrir "
                    "des lits supplémentaires. Selon des chiffres provisoires communiqués à Crosspost Review "
                    "par un service de santé régional, les hospitalisations liées à la chaleur ont augmenté "
                    "de 38\xa0% par rapport à la même semaine l'an dernier, la plupart des patients ayant "
                    "plus de 75 ans. Les responsables ont rappelé que les décès dus à la chaleur sont "
                    "généralement sous-estimés jusqu'à ce que les données de surmortalité soient connues, "
                    "plusieurs mois plus tard."
                ),
                "## Un accord sur l'eau mis à rude épreuve",
                (
                    "La chaleur a aussi ravivé une querelle sur le partage de l'eau entre régions agricoles "
                    "et villes. Un accord couvrant l'ensemble du bassin, signé il y a trois ans, "
                    "garantissait des débits minimaux aux irrigants en échange d'investissements dans le "
                    "goutte-à-goutte et d'un plafonnement des nouveaux forages. Les organisations agricoles "
                    "affirment que les financements promis ne sont jamais arrivés\xa0; les associations "
                    "écologistes, que les forages illégaux se sont multipliés. Notre [dossier Running "
                    "Dry](https://crosspost.example.com/dossiers/running-dry/) suit cet accord depuis sa "
                    "signature, et les chiffres contestés qui en sont le cœur n'ont jamais fait l'objet d'un "
                    "audit indépendant."
                ),
            ],
        },
        "ar": {
            "note_to_readers": "حُدِّث هذا المقال ليتضمّن أحدث أرقام الدخول إلى المستشفيات التي قدّمتها إحدى هيئات الصحة الإقليمية.",
            "title": "موجة حرّ تُغلق المدارس في جنوب أوروبا والخزانات تهبط إلى أدنى مستوياتها المسجّلة",
            "dek": (
                "حكومات الأقاليم تقنّن المياه وتعيد رسم التقويم الدراسي، فيما تستعدّ المستشفيات لأسبوع ثانٍ "
                "من درجات حرارة تتجاوز 44 درجة مئوية."
            ),
            "body": [
                (
                    "ظلّت المدارس مغلقة يوم الاثنين في أكثر من 1400 بلدية في أنحاء جنوب أوروبا، إذ دفعت قبّة "
                    "حرارية بطيئة الحركة درجات الحرارة بعد الظهر إلى ما فوق 44 درجة مئوية لليوم السادس على "
                    "التوالي، وحذّرت السلطات الإقليمية من أن منسوب الخزانات التي تغذّي عدداً من المدن الكبرى "
                    "هبط إلى ما دون المستويات المسجّلة في أسوأ موجة جفاف شهدها العقد الماضي. ونقل مسؤولو "
                    "التعليم في أربع دول على الأقل الامتحانات إلى الإنترنت أو أرجأوها، بينما فرضت شركات "
                    "المياه قطعاً ليلياً للإمداد في بلدات لا يذكر أحد من سكانها أنها عرفت التقنين من قبل."
                ),
                "## التقنين يصل إلى المدن",
                (
                    "في مدينة ألميرادا الساحلية، بدأت شركة المياه البلدية يوم الأحد قطع الإمداد بين الساعة "
                    "11 ليلاً والساعة 6 صباحاً، وهي المرة الأولى التي تلجأ فيها إلى ذلك منذ تأسيسها. وباتت "
                    "الشاحنات الصهريجية تنقل المياه إلى مستشفيَين ومركز لغسيل الكلى في ضواحي المدينة. وقالت "
                    "لوسيا باراندياران، مديرة العمليات في الشركة: «نحن ندير منظومة صُمّمت لمناخ لم يعد "
                    "موجوداً»."
                ),
                (
                    "> «الأعداد التي نراها في أقسام الطوارئ لم تبلغ بعدُ مستواها في فصول الصيف السابقة، لكن "
                    "المنحنى أشدّ انحداراً. ما يقلقنا هو الأسبوع الثاني: فمن صمدوا في اليوم الثالث يعجزون عن "
                    "الاحتمال في اليوم التاسع، ولا سيما من يعيشون وحدهم في الطوابق العليا بلا تكييف. نحن "
                    "نطلب من الجيران والصيادلة وموظفي البريد أن يطرقوا الأبواب.» — الدكتور ستيفانو أرّيغي، "
                    "رئيس طب الطوارئ في شبكة مستشفيات إقليمية"
                ),
                (
                    "وفعّلت السلطات الصحية في ثلاثة أقاليم أعلى مستويات الإنذار لديها، وهو ما يتيح "
                    "للمستشفيات تأجيل العمليات الجراحية غير العاجلة وفتح أسرّة إضافية. وأظهرت أرقام أولية "
                    "قدّمتها إحدى الهيئات الصحية الإقليمية إلى «كروسبوست ريفيو» ارتفاع حالات الدخول إلى "
                    "المستشفيات بسبب الحر بنسبة 38 في المئة مقارنةً بالأسبوع نفسه من العام الماضي، وكان معظم "
                    "المرضى فوق سن الخامسة والسبعين. ونبّه المسؤولون إلى أن الوفيات الناجمة عن الحر لا تُحصى "
                    "عادةً على نحو كامل إلا بعد أشهر، حين تصدر بيانات الوفيات الزائدة."
                ),
                "## اتفاق المياه تحت الضغط",
                (
                    "وأعادت موجة الحر أيضاً إشعال الخلاف حول تقاسم المياه بين المناطق الزراعية والمدن. فقد "
                    "ضمن اتفاق يشمل الحوض بأكمله، وُقّع قبل ثلاث سنوات، حداً أدنى من التدفقات للمزارعين "
                    "المعتمدين على الري، مقابل الاستثمار في أنظمة الري بالتنقيط ووضع سقف لحفر آبار جديدة. "
                    "وتقول جمعيات المزارعين إن التمويل الموعود لم يصل قط، فيما تقول المنظمات البيئية إن "
                    "الآبار غير القانونية تكاثرت. ويتابع [ملفّنا «Running "
                    "Dry»](https://crosspost.example.com/dossiers/running-dry/) هذا الاتفاق منذ توقيعه، ولم "
                    "تخضع الأرقام المتنازع عليها التي يقوم عليها لأي تدقيق مستقل حتى اليوم."
                ),
            ],
        },
    },
    "A coastal city bets on desalination, and on the price of the power to run it": {
        "fr": {
            "title": (
                "Une ville côtière mise sur le dessalement, et sur le prix de l'électricité pour le faire "
                "tourner"
            ),
            "dek": (
                "La nouvelle usine de Port Selwyn fournira un cinquième de l'eau de la ville dès l'an "
                "prochain, mais ses coûts de fonctionnement dépendent d'un réseau électrique auquel les "
                "habitants ne font plus confiance."
            ),
            "body": [
                (
                    "Ce que les visiteurs remarquent d'abord à l'usine de dessalement de la rive nord de "
                    "Port Selwyn, c'est le bruit\xa0: le grondement continu des pompes à haute pression qui "
                    "poussent l'eau de mer à travers des milliers de cartouches à membrane, empilées comme "
                    "les rayonnages d'une bibliothèque. Ensuite, c'est la taille du poste électrique voisin. "
                    "Lorsque l'usine tournera à pleine capacité, l'an prochain, elle consommera à peu près "
                    "autant d'électricité qu'une ville de 40\xa0000 habitants, et le conseil municipal "
                    "négocie encore pour savoir qui paiera la facture."
                ),
                (
                    "Il y a quatre ans, pendant la sécheresse, Port Selwyn est passée à onze jours de fermer "
                    "ses robinets, un épisode que les habitants appellent encore «\xa0l'été des files "
                    "d'attente\xa0», en souvenir des queues qui se formaient devant les sources municipales. "
                    "Le conseil a répondu par un plan de l'eau associant réparation des fuites, recharge des "
                    "nappes phréatiques et dessalement. Les deux premiers volets ont discrètement porté "
                    "leurs fruits\xa0: la consommation par foyer a baissé de près d'un tiers. Le troisième "
                    "est devenu le projet d'infrastructure le plus coûteux de l'histoire de la ville."
                ),
                "## La question de l'énergie",
                (
                    "Le dessalement par osmose inverse exige entre trois et quatre kilowattheures "
                    "d'électricité par mètre cube d'eau douce. Dans un pays où les délestages programmés "
                    "sont devenus la routine, le risque est évident. Les ingénieurs municipaux ont conçu "
                    "l'usine pour stocker l'eau traitée dans des réservoirs aux heures où le courant est "
                    "disponible, mais un [examen technique de l'auditeur "
                    "provincial](https://audit.example.net/reports/port-selwyn-desalination) a averti que "
                    "ces réserves couvrent moins de deux jours de production si les coupures s'allongent."
                ),
                (
                    "> «\xa0On me demande si le dessalement est la solution. C'est une solution, et c'est la "
                    "plus chère, alors nous l'avons placée en dernier. Mais la pluie sur laquelle nous "
                    "comptions ne reviendra pas, et une ville ne peut pas demander à ses hôpitaux d'attendre "
                    "la prochaine année pluvieuse. Ce que nous pouvons faire, c'est veiller à ce que l'usine "
                    "fonctionne avec l'électricité la moins chère et la plus propre que nous puissions "
                    "trouver.\xa0» — Thandiwe Mokoena, responsable de l'eau et de l'assainissement au "
                    "conseil municipal"
                ),
                (
                    "Pour les habitants, le changement le plus visible apparaîtra sur leurs factures. Selon "
                    "le tarif adopté le mois dernier, les ménages qui consomment moins de six kilolitres par "
                    "mois ne paieront rien de plus, tandis que les gros consommateurs, surtout dans les "
                    "quartiers aisés qui longent la crête, paieront nettement plus cher. «\xa0Sur le papier, "
                    "c'est équitable\xa0», estime Zanele Khumalo, qui préside une association de "
                    "contribuables dans l'un des plus anciens townships de la ville. «\xa0Que ce soit "
                    "équitable dans les faits dépend du bon fonctionnement des compteurs, et chez nous, la "
                    "moitié ne marchent pas.\xa0»"
                ),
            ],
        },
        "ar": {
            "title": "مدينة ساحلية تراهن على تحلية المياه، وعلى ثمن الكهرباء اللازمة لتشغيلها",
            "dek": (
                "ستوفّر المحطة الجديدة في بورت سِلوين خُمس مياه المدينة بحلول العام المقبل، لكن تكاليف "
                "تشغيلها رهينة شبكة كهرباء فقد السكان ثقتهم بها."
            ),
            "body": [
                (
                    "أول ما يلفت انتباه الزائر في محطة التحلية على الشاطئ الشمالي لبورت سِلوين هو الضجيج: "
                    "هدير متواصل تصدره مضخات الضغط العالي التي تدفع مياه البحر عبر آلاف من خراطيش الأغشية "
                    "المرصوصة كرفوف مكتبة. والأمر الثاني هو ضخامة محطة التحويل الكهربائية المجاورة. فعندما "
                    "تبلغ المحطة طاقتها القصوى العام المقبل، ستستهلك من الكهرباء ما يعادل تقريباً استهلاك "
                    "بلدة يسكنها 40 ألف نسمة، ولا يزال مجلس المدينة يتفاوض على الجهة التي ستتحمّل الكلفة."
                ),
                (
                    "كانت بورت سِلوين على بُعد أحد عشر يوماً من قطع المياه عن صنابيرها خلال موجة الجفاف قبل "
                    "أربع سنوات، وهي حادثة لا يزال السكان يسمّونها «صيف الطوابير» نسبةً إلى الصفوف التي كانت "
                    "تتشكّل أمام الينابيع البلدية. وردّ المجلس بخطة مائية جمعت بين إصلاح التسرّبات وإعادة "
                    "تغذية المياه الجوفية والتحلية. وقد نجح المحوران الأولان بعيداً عن الأضواء، إذ انخفض "
                    "استهلاك الأسرة الواحدة بنحو الثلث. أما المحور الثالث فقد أصبح أغلى مشروع للبنية التحتية "
                    "في تاريخ المدينة."
                ),
                "## مسألة الطاقة",
                (
                    "تحتاج التحلية بتقنية التناضح العكسي إلى ما بين ثلاث وأربع كيلوواط ساعة من الكهرباء لكل "
                    "متر مكعب من المياه العذبة. وفي بلد أصبحت فيه الانقطاعات المبرمجة للتيار الكهربائي أمراً "
                    "مألوفاً، ينطوي ذلك على خطر واضح. وقد صمّم مهندسو المجلس المحطة بحيث تخزّن المياه "
                    "المعالجة في خزانات خلال الساعات التي تتوفر فيها الكهرباء، غير أن [مراجعة فنية أجراها "
                    "مدقق الحسابات في الإقليم](https://audit.example.net/reports/port-selwyn-desalination) "
                    "حذّرت من أن هذا المخزون لا يغطي سوى أقل من يومين من الإنتاج إذا طالت فترات الانقطاع."
                ),
                (
                    "> «يسألني الناس إن كانت التحلية هي الحل. إنها حلّ من الحلول، وأغلاها ثمناً، ولذلك "
                    "وضعناها في آخر القائمة. لكن الأمطار التي بنينا عليها حساباتنا لن تعود، ولا تستطيع مدينة "
                    "أن تطلب من مستشفياتها انتظار العام الماطر المقبل. ما نستطيعه هو أن نضمن تشغيل المحطة "
                    "بأرخص طاقة وأنظفها يمكننا الحصول عليها.» — ثانديوي موكوينا، رئيسة قسم المياه والصرف "
                    "الصحي في المجلس"
                ),
                (
                    "أما السكان فسيلمسون التغيير الأوضح في فواتيرهم. فبموجب التعرفة التي أُقرّت الشهر "
                    "الماضي، لن تدفع الأسر التي تستهلك أقل من ستة كيلولترات شهرياً أي مبلغ إضافي، في حين "
                    "سيدفع كبار المستهلكين، ومعظمهم في الضواحي الميسورة الممتدة على طول التلال، أكثر بكثير. "
                    "وتقول زانيلي خومالو، التي ترأس جمعية لدافعي الرسوم البلدية في إحدى أقدم البلدات الشعبية "
                    "في المدينة: «إنه عادل على الورق. أما إن كان عادلاً في الواقع فذلك يتوقف على عمل "
                    "العدادات، ونصفها في منطقتنا معطّل»."
                ),
            ],
        },
    },
    "Central banks hold rates as food prices refuse to follow the forecasts": {
        "fr": {
            "title": (
                "Les banques centrales maintiennent leurs taux, les prix alimentaires déjouent les prévisions"
            ),
            "dek": (
                "L'inflation globale a ralenti dans la plupart des grandes économies, mais le coût des "
                "courses de la semaine continue de grimper, et les décideurs peinent de plus en plus à "
                "expliquer pourquoi."
            ),
            "body": [
                (
                    "Trois des banques centrales les plus scrutées au monde ont laissé leurs taux d'intérêt "
                    "inchangés cette semaine, invoquant le même problème tenace en des termes presque "
                    "identiques\xa0: l'inflation recule, mais pas là où les ménages le remarquent. Les prix "
                    "de l'énergie se sont détendus et le coût des biens manufacturés s'est stabilisé, mais "
                    "dans la plupart des économies avancées, les prix alimentaires augmentent encore deux à "
                    "trois fois plus vite que ce que les responsables jugent acceptable, et dans plusieurs "
                    "pays émergents, l'écart est plus grand encore."
                ),
                (
                    "Ce décalage compte, car l'alimentation est le prix que les gens voient le plus souvent. "
                    "Les enquêtes sur les anticipations d'inflation des ménages n'ont presque pas bougé en "
                    "un an. «\xa0Les gens ne vivent pas l'indice des prix à la consommation\xa0», explique "
                    "Henrik Aalto, ancien vice-gouverneur qui enseigne aujourd'hui dans une école de "
                    "commerce. «\xa0Ils vivent le prix des œufs, du café et de l'huile de cuisson, et ils "
                    "ajustent leurs revendications salariales en conséquence.\xa0»"
                ),
                "## La météo, pas les salaires",
                (
                    "Les économistes avancent plusieurs explications, et la plupart ramènent au climat. Une "
                    "succession de mauvaises récoltes de cacao, de café et d'olives a poussé les prix de "
                    "gros à des niveaux qui auraient paru invraisemblables il y a cinq ans. La chaleur "
                    "extrême a réduit les rendements maraîchers dans le sud de l'Europe et en Afrique du "
                    "Nord, tandis que la sécheresse a renchéri l'alimentation animale sur le continent "
                    "américain. Une [analyse de l'Observatoire des prix de "
                    "l'agroalimentaire](https://agriprices.example.org/notes/weather-shocks) estime que les "
                    "chocs météorologiques expliquent plus de la moitié de la hausse de l'inflation "
                    "alimentaire depuis le printemps dernier."
                ),
                (
                    "Ce diagnostic embarrasse les banquiers centraux, dont le principal outil, le taux "
                    "d'intérêt, ne fait pas tomber la pluie. Relever encore les taux refroidirait la demande "
                    "dans toute l'économie pour combattre des hausses de prix nées dans une poignée de "
                    "champs et de vergers. Les abaisser pourrait laisser croire que la banque ne se soucie "
                    "plus des prix qui façonnent l'opinion publique. Le statu quo, option retenue cette "
                    "semaine par les trois banques, permet de gagner du temps mais laisse la question en "
                    "suspens."
                ),
                (
                    "> «\xa0On ne peut pas irriguer une exploitation agricole avec la politique monétaire. "
                    "Ce que nous pouvons faire, c'est veiller à ce qu'un choc sur les prix alimentaires ne "
                    "se transforme pas en spirale généralisée des salaires et des prix. Jusqu'ici, les "
                    "données indiquent que ce n'est pas le cas, et c'est pourquoi nous avons été patients. "
                    "Si les données changent, notre patience changera avec elles.\xa0» — Margarida Vaz "
                    "Pinto, membre d'un comité de politique monétaire, devant les journalistes après la "
                    "décision"
                ),
            ],
        },
        "ar": {
            "title": "البنوك المركزية تُبقي على أسعار الفائدة فيما تخالف أسعار الغذاء التوقعات",
            "dek": (
                "تراجع التضخم العام في معظم الاقتصادات الكبرى، لكن كلفة التسوّق الأسبوعي تواصل الارتفاع، "
                "وصنّاع السياسات تنفد لديهم التفسيرات."
            ),
            "body": [
                (
                    "أبقت ثلاثة من أكثر البنوك المركزية متابعةً في العالم أسعار الفائدة دون تغيير هذا "
                    "الأسبوع، متذرّعةً بالمشكلة العنيدة نفسها وبعبارات تكاد تكون متطابقة: التضخم يتراجع، لكن "
                    "ليس حيث تلمسه الأسر. فقد تراجعت أسعار الطاقة واستقرت تكلفة السلع المصنّعة، غير أن أسعار "
                    "الغذاء في معظم الاقتصادات المتقدمة لا تزال ترتفع بوتيرة تفوق بمرّتين إلى ثلاث مرات ما "
                    "يعدّه صانعو السياسات مريحاً، بل إن الفجوة أوسع من ذلك في عدد من الأسواق الناشئة."
                ),
                (
                    "ولهذا التباين أهميته، لأن الغذاء هو السعر الذي يراه الناس أكثر من غيره. ولم تكد "
                    "استطلاعات توقعات التضخم لدى الأسر تتحرك خلال عام كامل. ويقول هنريك آلتو، النائب السابق "
                    "لمحافظ بنك مركزي الذي يدرّس اليوم في كلية لإدارة الأعمال: «الناس لا يعيشون مؤشر أسعار "
                    "المستهلك. إنهم يعيشون سعر البيض والقهوة وزيت الطهي، ويعدّلون مطالبهم بزيادة الأجور على "
                    "هذا الأساس»."
                ),
                "## الطقس لا الأجور",
                (
                    "يقدّم الاقتصاديون تفسيرات عدة، يعود معظمها إلى المناخ. فقد دفعت مواسم حصاد رديئة "
                    "متتالية للكاكاو والقهوة والزيتون أسعار الجملة إلى مستويات كانت ستبدو غير معقولة قبل خمس "
                    "سنوات. وخفّضت الحرارة الشديدة غلّة الخضروات في جنوب أوروبا وشمال أفريقيا، بينما رفع "
                    "الجفاف كلفة الأعلاف الحيوانية في الأمريكتين. ويقدّر [تحليل أجراه مرصد أسعار الأغذية "
                    "الزراعية](https://agriprices.example.org/notes/weather-shocks) أن صدمات الطقس تفسّر "
                    "أكثر من نصف الارتفاع في تضخم أسعار الغذاء منذ الربيع الماضي."
                ),
                (
                    "ويضع هذا التشخيص محافظي البنوك المركزية في موقف حرج، فأداتهم الرئيسية، أي سعر الفائدة، "
                    "لا تستطيع أن تُنزل المطر. فرفع الفائدة مجدداً من شأنه أن يبرّد الطلب في الاقتصاد بأسره "
                    "لمكافحة زيادات في الأسعار منشؤها حفنة من الحقول والبساتين. أما خفضها فقد يوحي بأن البنك "
                    "لم يعد يكترث بالأسعار التي تشكّل الرأي العام. والإبقاء عليها، وهو الخيار الذي اعتمدته "
                    "البنوك الثلاثة هذا الأسبوع، يتيح كسب الوقت لكنه يترك السؤال بلا جواب."
                ),
                (
                    "> «لا يمكننا ري مزرعة بالسياسة النقدية. ما نستطيعه هو التأكد من ألا تتحول صدمة في أسعار "
                    "الغذاء إلى دوامة عامة من الأجور والأسعار. وحتى الآن تشير الأدلة إلى أن ذلك لا يحدث، "
                    "ولهذا تحلّينا بالصبر. وإذا تغيّرت الأدلة، فسيتغيّر صبرنا معها.» — مارغاريدا فاز بينتو، "
                    "عضوة في إحدى لجان السياسة النقدية، في حديث إلى الصحفيين بعد القرار"
                ),
            ],
        },
    },
}

UI_TRANSLATIONS = {
    "fr": {
        "and": "et",
        "Skip to content": "Aller au contenu",
        "Search": "Rechercher",
        "Search articles": "Rechercher des articles",
        "Sections": "Rubriques",
        "Latest": "Dernières actualités",
        "Regions": "Régions",
        "Themes": "Thèmes",
        "In-depth Reports": "Dossiers",
        "Authors": "Auteurs",
        "Language": "Langue",
        "Sitemap": "Plan du site",
        "For media inquiries": "Contact presse",
        "Republished from": "Republié à partir de",
        "By": "Par",
        "Region": "Région",
        "Theme": "Thème",
        "In-depth Report": "Dossier",
        "Click here to read the full article on %(name)s.": (
            "Cliquez ici pour lire l'article complet sur\xa0%(name)s."
        ),
        "Note to readers": "Note aux lecteurs",
        "Original source": "Source originale",
        "The original source of this article is": "La source originale de cet article est",
        "published": "publié",
        "Copyright": "Droits d'auteur",
        "Articles by": "Articles de",
        "Disclaimer": "Avertissement",
        "Editors' picks": "La sélection de la rédaction",
        "All articles": "Tous les articles",
        "No articles yet.": "Aucun article pour le moment.",
        "Daily newsletter": "Newsletter quotidienne",
        "Newer": "Plus récents",
        "Older": "Plus anciens",
        "Page %(n)s of %(total)s": "Page\xa0%(n)s sur\xa0%(total)s",
        (
            "Translation in progress: parts of this page are still shown in the original language. This page "
            "refreshes by itself when the translation is ready."
        ): (
            "Traduction en cours\xa0: certaines parties de cette page s'affichent encore dans la langue "
            "d'origine. La page se mettra à jour d'elle-même dès que la traduction sera prête."
        ),
        (
            "Machine translation is not available on this site right now, so this page is shown in its "
            "original language."
        ): (
            "La traduction automatique n'est pas disponible sur ce site pour le moment\xa0; cette page "
            "s'affiche donc dans sa langue d'origine."
        ),
        "This page could not be translated yet, so it is shown in its original language.": (
            "Cette page n'a pas encore pu être traduite\xa0; elle s'affiche donc dans sa langue d'origine."
        ),
        "We can't find that page": "Nous ne trouvons pas cette page",
        "Go to the front page": "Aller à la page d'accueil",
    },
    "ar": {
        "and": "و",
        "Skip to content": "انتقل إلى المحتوى",
        "Search": "بحث",
        "Search articles": "ابحث في المقالات",
        "Sections": "الأقسام",
        "Latest": "الأحدث",
        "Regions": "المناطق",
        "Themes": "المواضيع",
        "In-depth Reports": "ملفات معمّقة",
        "Authors": "الكتّاب",
        "Language": "اللغة",
        "Sitemap": "خريطة الموقع",
        "For media inquiries": "للاستفسارات الإعلامية",
        "Republished from": "أُعيد نشره نقلاً عن",
        "By": "بقلم",
        "Region": "المنطقة",
        "Theme": "الموضوع",
        "In-depth Report": "ملف معمّق",
        "Click here to read the full article on %(name)s.": "انقر هنا لقراءة المقال كاملاً على %(name)s.",
        "Note to readers": "ملاحظة للقرّاء",
        "Original source": "المصدر الأصلي",
        "The original source of this article is": "المصدر الأصلي لهذا المقال هو",
        "published": "نُشر",
        "Copyright": "حقوق النشر",
        "Articles by": "مقالات بقلم",
        "Disclaimer": "إخلاء المسؤولية",
        "Editors' picks": "اختيارات المحررين",
        "All articles": "جميع المقالات",
        "No articles yet.": "لا توجد مقالات بعد.",
        "Daily newsletter": "النشرة الإخبارية اليومية",
        "Newer": "الأحدث",
        "Older": "الأقدم",
        "Page %(n)s of %(total)s": "الصفحة %(n)s من %(total)s",
        (
            "Translation in progress: parts of this page are still shown in the original language. This page "
            "refreshes by itself when the translation is ready."
        ): (
            "الترجمة قيد الإنجاز: لا تزال أجزاء من هذه الصفحة معروضة بلغتها الأصلية. وستُحدَّث الصفحة "
            "تلقائياً عند اكتمال الترجمة."
        ),
        (
            "Machine translation is not available on this site right now, so this page is shown in its "
            "original language."
        ): (
            "الترجمة الآلية غير متاحة على هذا الموقع حالياً، لذا تُعرض هذه الصفحة بلغتها الأصلية."
        ),
        "This page could not be translated yet, so it is shown in its original language.": (
            "تعذّرت ترجمة هذه الصفحة حتى الآن، لذا تُعرض بلغتها الأصلية."
        ),
        "We can't find that page": "لم نعثر على هذه الصفحة",
        "Go to the front page": "الذهاب إلى الصفحة الرئيسية",
    },
}
