"""Word tables of the demo brand: real words in every store language (pure data, no Django).

Every row of translated words lists the languages in ``LANGUAGES`` order. Product names are
composed per language with that language's word order ("Merino Hoodie",
"Merino-Kapuzenpullover", "Sweat à capuche en mérinos", "هودي من صوف الميرينو"), so the
grammar never has to agree with a noun's gender.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "nl", "ja", "ar", "id")
# The store's default language is English: its text lives on the model itself.
TRANSLATED_LANGUAGES: tuple[str, ...] = LANGUAGES[1:]

BRAND = "Ribeira Supply Co."
BRAND_CITY = "Porto"
BRAND_COUNTRY = "PT"


def by_language(*words: str) -> dict[str, str]:
    if len(words) != len(LANGUAGES):
        raise ValueError(f"expected {len(LANGUAGES)} words, got {len(words)}: {words}")
    return dict(zip(LANGUAGES, words, strict=True))


# Product-name templates: {line} is a place name, {kind} the garment or object, {material}
# the material phrase in the form the language puts inside a name.
NAME_WITH_MATERIAL = by_language(
    "{line} {material} {kind}",
    "{line} {material}-{kind}",
    "{kind} {material} {line}",
    "{kind} {material} {line}",
    "{kind} {material} {line}",
    "{line} {kind} {material}",
    "{line} {material} {kind}",
    "{kind} {line} {material}",
    "{kind} {material} {line}",
)
NAME_PLAIN = by_language(
    "{line} {kind}",
    "{line} {kind}",
    "{kind} {line}",
    "{kind} {line}",
    "{kind} {line}",
    "{line} {kind}",
    "{line} {kind}",
    "{kind} {line}",
    "{kind} {line}",
)

# Fact lines closing each description: the material and the country of manufacture.
MATERIAL_LINE = by_language(
    "Material: {value}",
    "Material: {value}",
    "Matière : {value}",
    "Material: {value}",
    "Materiale: {value}",
    "Materiaal: {value}",
    "素材：{value}",  # noqa: RUF001 - Japanese punctuation is full-width
    "الخامة: {value}",
    "Bahan: {value}",
)
ORIGIN_LINE = by_language(
    "Country of origin: {value}",
    "Herkunftsland: {value}",
    "Pays d'origine : {value}",
    "País de origen: {value}",
    "Paese di origine: {value}",
    "Land van herkomst: {value}",
    "原産国：{value}",  # noqa: RUF001 - Japanese punctuation is full-width
    "بلد المنشأ: {value}",
    "Negara asal: {value}",
)

# Opening sentences; written so that nothing agrees with the product's grammatical gender.
PITCHES: dict[str, tuple[str, ...]] = {
    "en": (
        "We design every piece in our Porto studio to last for years.",
        "A quiet everyday essential, made for travel and long days outdoors.",
        "From the {line} line, named after a place in Portugal we love.",
        "Small batches, honest materials and nothing you do not need.",
        "We test our designs on the Atlantic coast, from the harbour to the hills.",
    ),
    "de": (
        "Wir entwerfen jedes Modell in unserem Atelier in Porto, damit es jahrelang hält.",
        "Ein ruhiger Begleiter für jeden Tag, gemacht für Reisen und lange Tage draußen.",
        "Aus der Linie {line}, benannt nach einem Ort in Portugal, den wir lieben.",
        "Kleine Auflagen, ehrliche Materialien und nichts Überflüssiges.",
        "Wir testen unsere Modelle an der Atlantikküste, vom Hafen bis in die Hügel.",
    ),
    "fr": (
        "Nous dessinons chaque modèle dans notre atelier de Porto, pour qu'il dure des années.",
        "Un essentiel discret du quotidien, pensé pour le voyage et les longues journées dehors.",
        "De la ligne {line}, qui porte le nom d'un lieu du Portugal que nous aimons.",
        "Petites séries, matières honnêtes et rien de superflu.",
        "Nos modèles sont testés au bord de l'Atlantique, du port jusqu'aux collines.",
    ),
    "es": (
        "Diseñamos cada modelo en nuestro estudio de Oporto para que dure años.",
        "Un básico discreto del día a día, pensado para viajar y para largas jornadas al aire "
        "libre.",
        "De la línea {line}, que lleva el nombre de un lugar de Portugal que nos encanta.",
        "Series cortas, materiales honestos y nada que sobre.",
        "Probamos nuestros modelos junto al Atlántico, del puerto a las colinas.",
    ),
    "it": (
        "Disegniamo ogni modello nel nostro studio di Porto perché duri anni.",
        "Un essenziale discreto di tutti i giorni, pensato per viaggiare e per le lunghe "
        "giornate all'aperto.",
        "Della linea {line}, che prende il nome da un luogo del Portogallo che amiamo.",
        "Piccole serie, materiali onesti e niente di superfluo.",
        "Proviamo i nostri modelli sulla costa atlantica, dal porto alle colline.",
    ),
    "nl": (
        "We ontwerpen elk model in onze studio in Porto, zodat het jaren meegaat.",
        "Een rustige basis voor elke dag, gemaakt voor reizen en lange dagen buiten.",
        "Uit de {line}-lijn, vernoemd naar een plek in Portugal waar we van houden.",
        "Kleine series, eerlijke materialen en niets overbodigs.",
        "We testen onze modellen aan de Atlantische kust, van de haven tot de heuvels.",
    ),
    "ja": (
        "ポルトのスタジオでデザインし、長く愛用できるように作りました。",
        "旅にも、屋外で過ごす長い一日にも寄り添う、さりげない定番アイテム。",
        "{line}ラインの一品。名前は私たちが愛するポルトガルの土地に由来します。",
        "少量生産、誠実な素材、余計なものは何もありません。",
        "港から丘まで、大西洋岸で実際に使ってテストしています。",
    ),
    "ar": (
        "نصمّم كل قطعة في استوديو بورتو لتدوم معك سنوات.",
        "قطعة أساسية هادئة لكل يوم، مصممة للسفر والأيام الطويلة في الهواء الطلق.",
        "من مجموعة {line}، التي تحمل اسم مكان نحبه في البرتغال.",
        "إنتاج بكميات صغيرة، وخامات صادقة، ولا شيء زائد عن الحاجة.",
        "نختبر تصاميمنا على ساحل الأطلسي، من الميناء إلى التلال.",
    ),
    "id": (
        "Kami merancang setiap model di studio kami di Porto agar awet bertahun-tahun.",
        "Barang esensial sehari-hari yang sederhana, dibuat untuk bepergian dan hari panjang "
        "di alam terbuka.",
        "Bagian dari lini {line}, dinamai dari tempat di Portugal yang kami cintai.",
        "Produksi dalam jumlah kecil, bahan yang jujur, tanpa hal yang berlebihan.",
        "Kami menguji desain kami di pesisir Atlantik, dari pelabuhan hingga perbukitan.",
    ),
}


@dataclass(frozen=True)
class Line:
    """A product line named after a Portuguese place; Latin script except in ja and ar."""

    name: str
    ja: str
    ar: str

    def in_language(self, language: str) -> str:
        return {"ja": self.ja, "ar": self.ar}.get(language, self.name)


HERO_LINE = Line("Porto", "ポルト", "بورتو")
LINES: tuple[Line, ...] = (
    Line("Douro", "ドウロ", "دورو"),
    Line("Foz", "フォス", "فوز"),
    Line("Sintra", "シントラ", "سينترا"),
    Line("Nazaré", "ナザレ", "نازاريه"),
    Line("Sagres", "サグレス", "ساغريش"),
    Line("Aveiro", "アヴェイロ", "أفيرو"),
    Line("Minho", "ミーニョ", "مينيو"),
    Line("Tejo", "テージョ", "تيجو"),
    Line("Gerês", "ジェレス", "جيريس"),
    Line("Peniche", "ペニシェ", "بينيشي"),
    Line("Comporta", "コンポルタ", "كومبورتا"),
    Line("Arrábida", "アラビダ", "أرابيدا"),
    Line("Madeira", "マデイラ", "ماديرا"),
    Line("Alentejo", "アレンテージョ", "ألينتيجو"),
    Line("Algarve", "アルガルヴェ", "الغارف"),
    Line("Ericeira", "エリセイラ", "إريسيرا"),
    Line("Cascais", "カスカイス", "كاشكايش"),
    Line("Óbidos", "オビドス", "أوبيدوش"),
    Line("Évora", "エヴォラ", "إيفورا"),
    Line("Braga", "ブラガ", "براغا"),
    Line("Coimbra", "コインブラ", "كويمبرا"),
    Line("Açores", "アソーレス", "الأزور"),
    Line("Lagos", "ラゴス", "لاغوش"),
    Line("Tavira", "タヴィラ", "تافيرا"),
    Line("Viana", "ヴィアナ", "فيانا"),
    Line("Estrela", "エストレラ", "إستريلا"),
    Line("Berlenga", "ベルレンガ", "بيرلينغا"),
)


@dataclass(frozen=True)
class Material:
    key: str
    in_name: dict[str, str]  # the phrase inside a product name
    fabric: dict[str, str]  # the material as a description's fact line names it


MATERIALS: dict[str, Material] = {
    m.key: m
    for m in (
        Material(
            "merino",
            by_language(
                "Merino",
                "Merino",
                "en mérinos",
                "de merino",
                "in merino",
                "van merinowol",
                "メリノ",
                "من صوف الميرينو",
                "Merino",
            ),
            by_language(
                "Merino wool",
                "Merinowolle",
                "Laine mérinos",
                "Lana merino",
                "Lana merino",
                "Merinowol",
                "メリノウール",
                "صوف الميرينو",
                "Wol merino",
            ),
        ),
        Material(
            "organic-cotton",
            by_language(
                "Organic Cotton",
                "Bio-Baumwoll",
                "en coton bio",
                "de algodón orgánico",
                "in cotone biologico",
                "van biologisch katoen",
                "オーガニックコットン",
                "من القطن العضوي",
                "Katun Organik",
            ),
            by_language(
                "Organic cotton",
                "Bio-Baumwolle",
                "Coton biologique",
                "Algodón orgánico",
                "Cotone biologico",
                "Biologisch katoen",
                "オーガニックコットン",
                "قطن عضوي",
                "Katun organik",
            ),
        ),
        Material(
            "cotton",
            by_language(
                "Cotton",
                "Baumwoll",
                "en coton",
                "de algodón",
                "in cotone",
                "van katoen",
                "コットン",
                "من القطن",
                "Katun",
            ),
            by_language(
                "Cotton",
                "Baumwolle",
                "Coton",
                "Algodón",
                "Cotone",
                "Katoen",
                "コットン",
                "قطن",
                "Katun",
            ),
        ),
        Material(
            "linen",
            by_language(
                "Linen",
                "Leinen",
                "en lin",
                "de lino",
                "in lino",
                "van linnen",
                "リネン",
                "من الكتان",
                "Linen",
            ),
            by_language(
                "Linen",
                "Leinen",
                "Lin",
                "Lino",
                "Lino",
                "Linnen",
                "リネン",
                "كتان",
                "Linen",
            ),
        ),
        Material(
            "recycled-nylon",
            by_language(
                "Recycled Nylon",
                "Recyclingnylon",
                "en nylon recyclé",
                "de nailon reciclado",
                "in nylon riciclato",
                "van gerecycled nylon",
                "リサイクルナイロン",
                "من النايلون المعاد تدويره",
                "Nilon Daur Ulang",
            ),
            by_language(
                "Recycled nylon",
                "Recyceltes Nylon",
                "Nylon recyclé",
                "Nailon reciclado",
                "Nylon riciclato",
                "Gerecycled nylon",
                "リサイクルナイロン",
                "نايلون معاد تدويره",
                "Nilon daur ulang",
            ),
        ),
        Material(
            "leather",
            by_language(
                "Leather",
                "Leder",
                "en cuir",
                "de piel",
                "in pelle",
                "van leer",
                "レザー",
                "من الجلد",
                "Kulit",
            ),
            by_language(
                "Full-grain leather",
                "Vollnarbenleder",
                "Cuir pleine fleur",
                "Piel plena flor",
                "Pelle pieno fiore",
                "Volnerf leer",
                "フルグレインレザー",
                "جلد طبيعي كامل الحبيبات",
                "Kulit full-grain",
            ),
        ),
        Material(
            "canvas",
            by_language(
                "Canvas",
                "Canvas",
                "en toile",
                "de lona",
                "in tela",
                "van canvas",
                "キャンバス",
                "من قماش الكانفاس",
                "Kanvas",
            ),
            by_language(
                "Cotton canvas",
                "Baumwoll-Canvas",
                "Toile de coton",
                "Lona de algodón",
                "Tela di cotone",
                "Katoenen canvas",
                "コットンキャンバス",
                "قماش كانفاس قطني",
                "Kanvas katun",
            ),
        ),
        Material(
            "wool",
            by_language(
                "Wool",
                "Woll",
                "en laine",
                "de lana",
                "in lana",
                "van wol",
                "ウール",
                "من الصوف",
                "Wol",
            ),
            by_language(
                "Wool",
                "Wolle",
                "Laine",
                "Lana",
                "Lana",
                "Wol",
                "ウール",
                "صوف",
                "Wol",
            ),
        ),
        Material(
            "cashmere",
            by_language(
                "Cashmere",
                "Kaschmir",
                "en cachemire",
                "de cachemira",
                "in cashmere",
                "van kasjmier",
                "カシミヤ",
                "من الكشمير",
                "Kasmir",
            ),
            by_language(
                "Cashmere",
                "Kaschmir",
                "Cachemire",
                "Cachemira",
                "Cashmere",
                "Kasjmier",
                "カシミヤ",
                "كشمير",
                "Kasmir",
            ),
        ),
        Material(
            "stainless-steel",
            by_language(
                "Stainless Steel",
                "Edelstahl",
                "en acier inoxydable",
                "de acero inoxidable",
                "in acciaio inox",
                "van roestvrij staal",
                "ステンレス",
                "من الفولاذ المقاوم للصدأ",
                "Baja Tahan Karat",
            ),
            by_language(
                "Stainless steel",
                "Edelstahl",
                "Acier inoxydable",
                "Acero inoxidable",
                "Acciaio inox",
                "Roestvrij staal",
                "ステンレススチール",
                "فولاذ مقاوم للصدأ",
                "Baja tahan karat",
            ),
        ),
        Material(
            "enamel",
            by_language(
                "Enamel",
                "Emaille",
                "en métal émaillé",
                "de metal esmaltado",
                "in metallo smaltato",
                "van emaille",
                "ホーロー",
                "من المعدن المطلي بالمينا",
                "Enamel",
            ),
            by_language(
                "Enamelled steel",
                "Emaillierter Stahl",
                "Acier émaillé",
                "Acero esmaltado",
                "Acciaio smaltato",
                "Geëmailleerd staal",
                "ホーロー",
                "فولاذ مطلي بالمينا",
                "Baja berlapis enamel",
            ),
        ),
        Material(
            "suede",
            by_language(
                "Suede",
                "Wildleder",
                "en daim",
                "de ante",
                "in camoscio",
                "van suède",
                "スエード",
                "من جلد الشامواه",
                "Suede",
            ),
            by_language(
                "Suede",
                "Wildleder",
                "Daim",
                "Ante",
                "Camoscio",
                "Suède",
                "スエード",
                "جلد شامواه",
                "Suede",
            ),
        ),
        Material(
            "fleece",
            by_language(
                "Fleece",
                "Fleece",
                "en polaire",
                "de forro polar",
                "in pile",
                "van fleece",
                "フリース",
                "من قماش الفليس",
                "Fleece",
            ),
            by_language(
                "Recycled polyester fleece",
                "Fleece aus recyceltem Polyester",
                "Polaire en polyester recyclé",
                "Forro polar de poliéster reciclado",
                "Pile in poliestere riciclato",
                "Fleece van gerecycled polyester",
                "リサイクルポリエステルフリース",
                "فليس من البوليستر المعاد تدويره",
                "Fleece poliester daur ulang",
            ),
        ),
        Material(
            "acetate",
            by_language(
                "Acetate",
                "Acetat",
                "en acétate",
                "de acetato",
                "in acetato",
                "van acetaat",
                "アセテート",
                "من الأسيتات",
                "Asetat",
            ),
            by_language(
                "Acetate",
                "Acetat",
                "Acétate",
                "Acetato",
                "Acetato",
                "Acetaat",
                "アセテート",
                "أسيتات",
                "Asetat",
            ),
        ),
        Material(
            "paper",
            by_language(
                "Paper",
                "Papier",
                "en papier",
                "de papel",
                "in carta",
                "van papier",
                "紙",
                "من الورق",
                "Kertas",
            ),
            by_language(
                "FSC-certified paper",
                "FSC-zertifiziertes Papier",
                "Papier certifié FSC",
                "Papel con certificación FSC",
                "Carta certificata FSC",
                "FSC-gecertificeerd papier",
                "FSC認証紙",
                "ورق معتمد من FSC",
                "Kertas bersertifikat FSC",
            ),
        ),
    )
}


@dataclass(frozen=True)
class CategoryWords:
    slug: str
    parent: str | None
    names: dict[str, str]


CATEGORIES: tuple[CategoryWords, ...] = (
    CategoryWords(
        "apparel",
        None,
        by_language(
            "Apparel",
            "Bekleidung",
            "Vêtements",
            "Ropa",
            "Abbigliamento",
            "Kleding",
            "アパレル",
            "ملابس",
            "Pakaian",
        ),
    ),
    CategoryWords(
        "t-shirts",
        "apparel",
        by_language(
            "T-shirts & Polos",
            "T-Shirts & Polos",
            "T-shirts et polos",
            "Camisetas y polos",
            "T-shirt e polo",
            "T-shirts en polo's",
            "Tシャツ・ポロシャツ",
            "تيشيرتات وقمصان بولو",
            "Kaos & Polo",
        ),
    ),
    CategoryWords(
        "shirts",
        "apparel",
        by_language(
            "Shirts",
            "Hemden",
            "Chemises",
            "Camisas",
            "Camicie",
            "Overhemden",
            "シャツ",
            "قمصان",
            "Kemeja",
        ),
    ),
    CategoryWords(
        "hoodies",
        "apparel",
        by_language(
            "Hoodies & Sweatshirts",
            "Hoodies & Sweatshirts",
            "Sweats",
            "Sudaderas",
            "Felpe",
            "Hoodies & sweaters",
            "パーカー・スウェット",
            "هوديز وسويت شيرت",
            "Hoodie & Sweatshirt",
        ),
    ),
    CategoryWords(
        "knitwear",
        "apparel",
        by_language(
            "Knitwear",
            "Strick",
            "Maille",
            "Punto",
            "Maglieria",
            "Breigoed",
            "ニット",
            "ملابس محبوكة",
            "Rajutan",
        ),
    ),
    CategoryWords(
        "jackets",
        "apparel",
        by_language(
            "Jackets",
            "Jacken",
            "Vestes",
            "Chaquetas",
            "Giacche",
            "Jassen",
            "ジャケット",
            "جاكيتات",
            "Jaket",
        ),
    ),
    CategoryWords(
        "trousers",
        "apparel",
        by_language(
            "Trousers & Shorts",
            "Hosen & Shorts",
            "Pantalons et shorts",
            "Pantalones",
            "Pantaloni",
            "Broeken",
            "パンツ",
            "بناطيل وشورتات",
            "Celana",
        ),
    ),
    CategoryWords(
        "footwear",
        None,
        by_language(
            "Footwear",
            "Schuhe",
            "Chaussures",
            "Calzado",
            "Calzature",
            "Schoenen",
            "シューズ",
            "أحذية",
            "Sepatu",
        ),
    ),
    CategoryWords(
        "bags",
        None,
        by_language(
            "Bags",
            "Taschen",
            "Sacs",
            "Bolsos",
            "Borse",
            "Tassen",
            "バッグ",
            "حقائب",
            "Tas",
        ),
    ),
    CategoryWords(
        "accessories",
        None,
        by_language(
            "Accessories",
            "Accessoires",
            "Accessoires",
            "Accesorios",
            "Accessori",
            "Accessoires",
            "アクセサリー",
            "إكسسوارات",
            "Aksesori",
        ),
    ),
    CategoryWords(
        "hats",
        "accessories",
        by_language(
            "Hats",
            "Mützen & Hüte",
            "Chapeaux et bonnets",
            "Gorros y sombreros",
            "Cappelli",
            "Hoeden & mutsen",
            "帽子",
            "قبعات",
            "Topi",
        ),
    ),
    CategoryWords(
        "scarves-gloves",
        "accessories",
        by_language(
            "Scarves & Gloves",
            "Schals & Handschuhe",
            "Écharpes et gants",
            "Bufandas y guantes",
            "Sciarpe e guanti",
            "Sjaals & handschoenen",
            "マフラー・手袋",
            "أوشحة وقفازات",
            "Syal & Sarung Tangan",
        ),
    ),
    CategoryWords(
        "socks",
        "accessories",
        by_language(
            "Socks",
            "Socken",
            "Chaussettes",
            "Calcetines",
            "Calzini",
            "Sokken",
            "ソックス",
            "جوارب",
            "Kaus Kaki",
        ),
    ),
    CategoryWords(
        "belts-wallets",
        "accessories",
        by_language(
            "Belts & Wallets",
            "Gürtel & Geldbörsen",
            "Ceintures et portefeuilles",
            "Cinturones y carteras",
            "Cinture e portafogli",
            "Riemen & portemonnees",
            "ベルト・財布",
            "أحزمة ومحافظ",
            "Ikat Pinggang & Dompet",
        ),
    ),
    CategoryWords(
        "sunglasses",
        "accessories",
        by_language(
            "Sunglasses",
            "Sonnenbrillen",
            "Lunettes de soleil",
            "Gafas de sol",
            "Occhiali da sole",
            "Zonnebrillen",
            "サングラス",
            "نظارات شمسية",
            "Kacamata Hitam",
        ),
    ),
    CategoryWords(
        "outdoor",
        None,
        by_language(
            "Outdoor Gear",
            "Outdoor-Ausrüstung",
            "Équipement outdoor",
            "Equipo outdoor",
            "Attrezzatura outdoor",
            "Outdooruitrusting",
            "アウトドアギア",
            "معدات الهواء الطلق",
            "Perlengkapan Outdoor",
        ),
    ),
    CategoryWords(
        "drinkware",
        "outdoor",
        by_language(
            "Bottles & Mugs",
            "Flaschen & Becher",
            "Gourdes et tasses",
            "Botellas y tazas",
            "Borracce e tazze",
            "Flessen & mokken",
            "ボトル・マグ",
            "زجاجات وأكواب",
            "Botol & Mug",
        ),
    ),
    CategoryWords(
        "camp-travel",
        "outdoor",
        by_language(
            "Camp & Travel",
            "Camping & Reisen",
            "Camping et voyage",
            "Camping y viaje",
            "Campeggio e viaggio",
            "Kamperen & reizen",
            "キャンプ・トラベル",
            "التخييم والسفر",
            "Kemah & Perjalanan",
        ),
    ),
    CategoryWords(
        "guides",
        "outdoor",
        by_language(
            "Guidebooks",
            "Reiseführer",
            "Guides",
            "Guías",
            "Guide",
            "Gidsen",
            "ガイドブック",
            "كتب إرشادية",
            "Buku Panduan",
        ),
    ),
)


@dataclass(frozen=True)
class CollectionWords:
    slug: str
    names: dict[str, str]
    description: str


COLLECTIONS: tuple[CollectionWords, ...] = (
    CollectionWords(
        "bestsellers",
        by_language(
            "Bestsellers",
            "Bestseller",
            "Meilleures ventes",
            "Más vendidos",
            "I più venduti",
            "Bestsellers",
            "ベストセラー",
            "الأكثر مبيعًا",
            "Terlaris",
        ),
        "The pieces our customers come back for.",
    ),
    CollectionWords(
        "new-arrivals",
        by_language(
            "New arrivals",
            "Neuheiten",
            "Nouveautés",
            "Novedades",
            "Nuovi arrivi",
            "Nieuw binnen",
            "新着アイテム",
            "وصل حديثًا",
            "Produk Baru",
        ),
        "Fresh from the Porto studio this season.",
    ),
    CollectionWords(
        "gift-ideas",
        by_language(
            "Gift ideas",
            "Geschenkideen",
            "Idées cadeaux",
            "Ideas para regalar",
            "Idee regalo",
            "Cadeau-ideeën",
            "ギフトアイデア",
            "أفكار للهدايا",
            "Ide Hadiah",
        ),
        "Accessories and gear under 80 euros, easy to give and easy to ship.",
    ),
    CollectionWords(
        "made-in-portugal",
        by_language(
            "Made in Portugal",
            "Made in Portugal",
            "Fabriqué au Portugal",
            "Hecho en Portugal",
            "Prodotto in Portogallo",
            "Gemaakt in Portugal",
            "ポルトガル製",
            "صنع في البرتغال",
            "Buatan Portugal",
        ),
        "Knitted, sewn and finished by workshops in the north of Portugal.",
    ),
    CollectionWords(
        "rain-ready",
        by_language(
            "Rain-ready",
            "Für Regentage",
            "Prêt pour la pluie",
            "Listo para la lluvia",
            "Pronti per la pioggia",
            "Klaar voor regen",
            "雨の日の装備",
            "جاهز للمطر",
            "Siap Hujan",
        ),
        "Shells, bags and umbrellas for Atlantic weather.",
    ),
)

# Size charts: (label shown to shoppers, short code used in SKUs).
SizeChart = tuple[tuple[str, str], ...]
APPAREL_SIZES: SizeChart = (
    ("XS", "XS"),
    ("S", "S"),
    ("M", "M"),
    ("L", "L"),
    ("XL", "XL"),
    ("XXL", "XXL"),
)
WAIST_SIZES: SizeChart = tuple((f"W{w}", f"W{w}") for w in (28, 30, 32, 34, 36))
SHOE_SIZES: SizeChart = tuple((f"EU {s}", str(s)) for s in range(39, 47))
SOCK_SIZES: SizeChart = (("S (36-39)", "S"), ("M (40-43)", "M"), ("L (44-47)", "L"))
GLOVE_SIZES: SizeChart = (("S", "S"), ("M", "M"), ("L", "L"))
BELT_SIZES: SizeChart = tuple((f"{s} cm", str(s)) for s in (80, 85, 90, 95, 100))
BOTTLE_SIZES: SizeChart = (("500 ml", "500"), ("750 ml", "750"))
DRY_BAG_SIZES: SizeChart = (("10 L", "10L"), ("20 L", "20L"))


@dataclass(frozen=True)
class Colour:
    name: str
    code: str
    rgb: tuple[int, int, int]


COLOURS: tuple[Colour, ...] = (
    Colour("Navy", "NAV", (31, 42, 68)),
    Colour("Sand", "SND", (216, 200, 168)),
    Colour("Olive", "OLV", (107, 107, 58)),
    Colour("Charcoal", "CHR", (58, 58, 60)),
    Colour("Ecru", "ECR", (237, 230, 214)),
    Colour("Terracotta", "TER", (192, 100, 63)),
    Colour("Forest", "FOR", (47, 74, 58)),
    Colour("Sky", "SKY", (141, 179, 209)),
    Colour("Black", "BLK", (28, 28, 30)),
    Colour("Ocean", "OCN", (46, 94, 126)),
    Colour("Stone", "STN", (181, 175, 164)),
    Colour("Burgundy", "BUR", (109, 36, 52)),
    Colour("Mustard", "MUS", (209, 162, 58)),
    Colour("Cognac", "COG", (154, 90, 45)),
)
