"""Role archetypes and bio phrases for the synthetic data (see synthetic.py); data only, no logic.

Requirements are (skill code, typical level, weight code 1 bonus / 2 important / 3 must). The role text and
the bio text of an archetype's background topic are worded differently on purpose, as real texts would be.
"""

ARCHETYPES = (
    {
        "title": "CIO補佐官",
        "reqs": (("strategy.dx-strategy", 3, 3), ("strategy.exec-advisory", 3, 3), ("strategy.it-governance", 3, 2),
                 ("strategy.budget-review", 2, 2), ("delivery.procurement-spec", 2, 1),
                 ("capability.workforce", 2, 1)),
        "role": "首長・CIOへの助言を行い、全庁のDX戦略策定とITガバナンス、情報化予算の精査を担っていただきます。",
        "role_topic": "自治体のCIO補佐官として全庁DX推進計画を策定した経験を歓迎します。",
        "bio_ja": "市役所でCIO補佐官を務め、全庁DX推進計画の策定と首長への助言を行いました。",
        "bio_en": "Served as CIO adviser to a municipality, drafting its DX strategy and giving executive "
                  "advisory to the mayor.",
    },
    {
        "title": "基幹業務システム標準化アドバイザー",
        "reqs": (("systems.standardization", 3, 3), ("systems.gov-cloud", 3, 2), ("delivery.vendor-mgmt", 2, 2),
                 ("delivery.pmo", 2, 2), ("strategy.municipal-ops", 2, 1), ("systems.network", 2, 1)),
        "role": "基幹業務システムの標準化対応とガバメントクラウドへの移行について、ベンダー調整と進捗管理を支援していただきます。",
        "role_topic": "自治体での標準準拠システム移行の実務経験がある方を求めます。",
        "bio_ja": "区役所で基幹業務システム標準化のPMOを担当し、ガバメントクラウドへの移行を完了させました。",
        "bio_en": "Ran the PMO for core-system standardisation at a ward office and completed the migration to "
                  "the government cloud.",
    },
    {
        "title": "情報セキュリティアドバイザー",
        "reqs": (("security.policy", 3, 3), ("security.incident", 3, 2), ("security.risk", 2, 2),
                 ("security.privacy", 2, 2), ("systems.network", 2, 1)),
        "role": "情報セキュリティポリシーの改定、インシデント対応体制の整備、個人情報保護の運用を支援していただきます。",
        "role_topic": "自治体でのセキュリティ監査やインシデント対応訓練の経験を重視します。",
        "bio_ja": "自治体の情報セキュリティポリシー改定を主導し、インシデント対応訓練と内部監査を実施しました。",
        "bio_en": "Led the security policy revision for a local government and ran incident response drills and "
                  "internal audits.",
    },
    {
        "title": "データ利活用・EBPMアドバイザー",
        "reqs": (("data.analysis", 3, 3), ("data.ebpm", 3, 2), ("data.open-data", 2, 2), ("data.bi", 2, 1),
                 ("data.governance", 2, 1)),
        "role": "EBPMの推進に向けて、庁内データの分析・可視化とオープンデータの公開を支援していただきます。",
        "role_topic": "統計データを用いた政策効果の検証経験がある方を歓迎します。",
        "bio_ja": "統計データを活用したEBPMの推進と政策効果の検証、オープンデータカタログの整備に携わりました。",
        "bio_en": "Promoted evidence-based policy making with statistical data, evaluated policy effects and "
                  "built an open data catalogue.",
    },
    {
        "title": "行政手続オンライン化アドバイザー",
        "reqs": (("design.online-procedures", 3, 3), ("design.service-design", 3, 2), ("design.bpr", 2, 2),
                 ("design.ux", 2, 2), ("design.user-research", 2, 1), ("design.accessibility", 2, 1)),
        "role": "住民向け行政手続のオンライン化について、業務分析・BPRとサービスデザインの観点から支援していただきます。",
        "role_topic": "窓口業務の改革やオンライン申請の利用率向上に取り組んだ経験を歓迎します。",
        "bio_ja": "住民向けオンライン申請をサービスデザインの手法で設計し、窓口業務の改革で利用率を向上させました。",
        "bio_en": "Designed online application services for residents with service design methods and reformed "
                  "counter operations to raise take-up.",
    },
    {
        "title": "IT調達アドバイザー",
        "reqs": (("delivery.procurement-spec", 3, 3), ("delivery.vendor-mgmt", 3, 2),
                 ("strategy.budget-review", 2, 2), ("delivery.project-mgmt", 2, 1)),
        "role": "情報システム調達の仕様書作成、ベンダー選定・評価、情報化予算の精査を支援していただきます。",
        "role_topic": "自治体の入札・プロポーザルの評価に関わった経験を重視します。",
        "bio_ja": "自治体のIT調達で仕様書作成とプロポーザル評価を数多く担当し、ベンダーロックインの解消に取り組みました。",
        "bio_en": "Wrote many IT procurement specifications and proposal evaluations for municipalities and "
                  "worked to end vendor lock-in.",
    },
    {
        "title": "生成AI活用推進アドバイザー",
        "reqs": (("data.generative-ai", 3, 3), ("capability.low-code", 2, 2), ("capability.training", 2, 2),
                 ("data.governance", 2, 1), ("security.privacy", 2, 1)),
        "role": "生成AIの業務活用に向けたガイドライン策定と職員研修、ローコードによる業務改善を支援していただきます。",
        "role_topic": "庁内での生成AI導入や利用ルール整備の経験がある方を求めます。",
        "bio_ja": "生成AIの利用ガイドラインを策定し、庁内への導入と職員向け生成AI活用研修を実施しました。",
        "bio_en": "Drafted generative AI usage guidelines, introduced it across a city hall and ran generative AI "
                  "training for staff.",
    },
    {
        "title": "デジタル人材育成アドバイザー",
        "reqs": (("capability.workforce", 3, 3), ("capability.training", 3, 2), ("strategy.change-mgmt", 2, 2),
                 ("capability.facilitation", 2, 1), ("capability.collab-tools", 2, 1)),
        "role": "デジタル人材育成計画の策定と、職員研修・ワークショップの企画運営を支援していただきます。",
        "role_topic": "自治体職員の育成方針づくりや研修体系の設計経験を歓迎します。",
        "bio_ja": "県庁でデジタル人材育成方針と研修体系を設計し、管理職向けワークショップのファシリテーションを担当しました。",
        "bio_en": "Designed a digital workforce planning policy and training curriculum for a prefecture and "
                  "facilitated workshops for managers.",
    },
)

BIO_CAREER_JA = (
    "民間企業でITコンサルタントとして{y}年勤務しています。",
    "SIerでプロジェクトマネージャーとして{y}年の経験があります。",
    "事業会社の情報システム部門に{y}年在籍しています。",
    "スタートアップでプロダクトマネージャーを務め、開発経験は{y}年です。",
    "外資系コンサルティングファームで{y}年、公共部門を担当しています。",
)
BIO_CAREER_EN = (
    "I have worked as an IT consultant in the private sector for {y} years.",
    "Project manager at a systems integrator with {y} years of experience.",
    "I have been in the IT department of an operating company for {y} years.",
    "Product manager at a start-up; {y} years in software delivery.",
    "Consultant at a global firm covering the public sector for {y} years.",
)
ROLE_EXTRA = (
    "週1〜2日程度の勤務を想定しています。",
    "庁内の関係課との調整が多い業務です。",
    "任期は1年で、更新の可能性があります。",
    "オンライン会議を中心に進めます。",
    "職員と伴走しながら進めていただきます。",
    "報酬は謝金として支払います。",
)
MUNICIPALITIES = ("世田谷区", "八王子市", "町田市", "足立区", "青梅市", "大島町", "府中市", "練馬区", "檜原村", "港区")
