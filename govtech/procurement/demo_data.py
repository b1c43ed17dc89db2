"""Demo data for `seed-demo`: requests from over 15 municipalities written the way each one writes them, and
joint tenders in several states, one of them awarded with bids, an exact cost split and active contracts.

Everything goes through the services, so the audit trail tells the same story. Idempotent: nothing is added
when the first demo request already exists.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from govtech.accounts.services import find_municipality
from govtech.core.models import Category
from govtech.extensions import db
from govtech.procurement import awards, participation, services, tenders
from govtech.procurement.models import ProcurementRequest

# (code, fiscal year, title, category, description, quantity, unit, budget, start, requirements)
REQUESTS = [
    # FY2026: bought together already (the awarded e-learning tender)
    ("13112", 2026, "職員向け情報セキュリティeラーニング", "e-learning",
     "全職員が年1回受講する情報セキュリティ研修。標的型攻撃メール・個人情報の取扱いを含む。", 4500, "ユーザー",
     5200000, "2026-06-01", "受講履歴のCSV出力\nLGWAN環境から受講可能"),
    ("13115", 2026, "情報セキュリティ研修（eラーニング）", "e-learning",
     "会計年度任用職員を含む全職員向けのセキュリティ研修をeラーニングで実施したい。", 3800, "ユーザー",
     4500000, "2026-06-01", "理解度テスト付き"),
    ("13120", 2026, "eラーニングによるセキュリティ教育", "security",
     "情報セキュリティポリシーに基づく年次研修。受講管理機能が必要。", 4200, "人", 5000000, "2026-07-01", ""),
    ("13117", 2026, "Information security e-learning for staff", "e-learning",
     "Annual security awareness training for all staff, with completion reports.", 2300, "users", 2900000,
     "2026-06-01", ""),
    ("13307", 2026, "セキュリティ研修 eラーニング", "e-learning",
     "村職員40名の情報セキュリティ研修。少人数でも使える料金体系を希望。", 40, "ユーザー", 120000, "2026-06-01", ""),
    # FY2026: generative AI (tender open for participation)
    ("13104", 2026, "生成AIチャットサービス（LGWAN対応）", "generative-ai",
     "LGWAN環境で利用できる生成AIチャット。文書作成・要約に活用。", 3000, "ユーザー", 18000000, "2027-01-01",
     "入力データを学習に使わないこと"),
    ("13307", 2026, "生成AI 文章作成支援（LGWAN）", "other",
     "議事録要約や広報文の下書きに生成AIを使いたい。LGWAN接続系で利用できること。", 30, "ユーザー", 400000,
     "2027-01-01", ""),
    ("13210", 2026, "Generative AI chat service on LGWAN", "generative-ai",
     "A generative AI assistant usable from the LGWAN segment for drafting and summarising.", 900, "users",
     6000000, "2027-02-01", ""),
    # FY2026: MDM (tendering), RPA (specification), vulnerability assessment (failed)
    ("13119", 2026, "モバイル端末管理（MDM）サービス", "mdm", "公用スマートフォン1,200台の端末管理。", 1200, "台",
     4300000, "2026-10-01", "遠隔ロック・ワイプ"),
    ("13225", 2026, "MDM for official smartphones", "mdm", "Device management for official smartphones.", 250,
     "devices", 950000, "2026-10-01", ""),
    ("13364", 2026, "ｽﾏﾎ端末管理(MDM)", "other", "村の公用スマホの管理ツール。", 15, "台", 80000, "2026-10-01", ""),
    ("13111", 2026, "RPAツール ライセンス", "rpa", "定型業務の自動化に使うRPAツールのライセンス。", 40, "ライセンス",
     9600000, "2027-01-01", ""),
    ("13201", 2026, "RPA（ロボティック・プロセス・オートメーション）導入", "rpa",
     "給与・会計の定型入力をRPAで自動化。", 25, "ライセンス", 6500000, "2027-01-01", ""),
    ("13303", 2026, "RPAソフトウェア", "rpa", "町の会計事務の自動化。", 3, "ライセンス", 900000, "2027-01-01", ""),
    ("13123", 2026, "ウェブアプリケーション脆弱性診断業務", "security", "区ホームページ及び電子申請の脆弱性診断。",
     6, "サイト", 4800000, "2026-12-01", "ISMS認証取得事業者"),
    ("13206", 2026, "Webサイト脆弱性診断", "security", "市公式サイトの年次脆弱性診断。", 3, "サイト", 2400000,
     "2026-12-01", ""),
    # FY2027: waiting for pooling (the suggestions page)
    ("13114", 2027, "Microsoft 365 E3 ライセンス（全庁）", "office-license",
     "全庁職員が利用するMicrosoft 365 E3ライセンス。Exchange Online・Teams・SharePoint。", 2800, "ライセンス",
     151200000, "2027-04-01", ""),
    ("13203", 2027, "M365 E3 ライセンス更新", "office-license", "現行Microsoft365 E3契約の次年度更新。", 1200,
     "ライセンス", 64800000, "2027-04-01", ""),
    ("13219", 2027, "Office365 E3 後継ライセンス", "groupware", "Office 365 E3からMicrosoft 365 E3への切替。", 600,
     "ID", 33000000, "2027-04-01", ""),
    ("13305", 2027, "マイクロソフト365 ライセンス", "office-license", "町職員のメール・表計算・Teams利用。", 180,
     "ライセンス", 10000000, "2027-04-01", ""),
    ("13224", 2027, "Microsoft 365 E3 licence renewal", "office-license",
     "Renewal of Microsoft 365 E3 licences for all city staff.", 1100, "licences", 60000000, "2027-04-01", ""),
    ("13110", 2027, "情報セキュリティ eラーニング研修", "e-learning", "全職員向けの情報セキュリティ研修（年1回）。",
     2500, "ユーザー", 3000000, "2027-05-01", ""),
    ("13208", 2027, "eラーニングによる情報セキュリティ研修", "e-learning", "受講管理・理解度テスト付きのセキュリティ研修。",
     1800, "ユーザー", 2300000, "2027-05-01", ""),
    ("13363", 2027, "セキュリティ研修（e-Learning）", "security", "村職員向け情報セキュリティ研修。", 60, "ユーザー",
     200000, "2027-05-01", ""),
    ("13229", 2027, "Information security e-learning for all staff", "e-learning",
     "Security awareness e-learning with completion tracking.", 1500, "users", 1900000, "2027-06-01", ""),
    ("13106", 2027, "手書き申請書のAI-OCR読取サービス", "ai-ocr", "住民からの手書き申請書をAI-OCRでデータ化。",
     200000, "枚", 4000000, "2027-04-01", ""),
    ("13213", 2027, "AI-OCR for handwritten application forms", "ai-ocr",
     "Digitise handwritten application forms with AI-OCR.", 120000, "pages", 2800000, "2027-04-01", ""),
    ("13308", 2027, "ＡＩ－ＯＣＲ 手書き帳票のデータ化", "other", "手書き帳票をＡＩ－ＯＣＲで読み取りたい。", 8000,
     "枚", 600000, "2027-06-01", ""),
    ("13109", 2027, "Zoomミーティング 有償ライセンス", "web-meeting", "庁内外のWeb会議用Zoom有償ライセンス。", 300,
     "ライセンス", 6000000, "2027-04-01", ""),
    ("13215", 2027, "Web会議ツール（ズーム）ライセンス", "web-meeting", "オンライン会議用のZoomライセンス。", 60,
     "ライセンス", 1300000, "2027-04-01", ""),
    ("13401", 2027, "ズーム 会議ライセンス", "chat", "島内外とのWeb会議のためのZoom有償プラン。", 20, "ライセンス",
     450000, "2027-04-01", ""),
    ("13105", 2027, "図書館システム更新", "other", "区立図書館の蔵書管理システムの更新。", 1, "式", 45000000,
     "2027-10-01", ""),
]
DRAFTS = [("13307", 2027, "庁内Wi-Fi（無線LAN）機器更新", "cloud-infra", "役場庁舎のアクセスポイント更新。", 12, "台",
           1500000, "2027-07-01", ""),
          ("13112", 2027, "RPA ライセンス追加", "rpa", "区民課の入力業務向けに追加。", 10, "ライセンス",
           2500000, "2027-04-01", "")]


def _make_request(row, actor_by_code: dict, categories: dict, n: int, submit: bool) -> ProcurementRequest:
    code, fy, title, cat, desc, qty, unit, budget, start, reqs = row
    values = {"category": categories[cat], "title": title, "description": desc, "requirements": reqs,
              "quantity": qty, "unit": unit, "budget_jpy": budget, "desired_start": date.fromisoformat(start),
              "fiscal_year": fy, "external_id": f"{code}-{fy}-{n:02d}"}
    return services.create_request(actor=actor_by_code.get(code), municipality=find_municipality(code),
                                   values=values, submit=submit)


def _settings(title: str, category: Category, **extra) -> dict:
    values = {"title": title, "description": "", "category": category, "fiscal_year": 2026, "unit": "",
              "survey_deadline": tenders.tokyo_today() + timedelta(days=10), "award_method": "lowest_price",
              "price_weight": 100, "quality_weight": 0, "allocation_rule": "quantity", "mix_equal": 0,
              "mix_quantity": 0, "mix_population": 0}
    values.update(extra)
    return values


def _to_tendering(coordinator, tender, spec: str) -> None:
    for p in tender.participations:
        if p.status == "invited":
            participation.join_tender(actor=None, tender_id=tender.id, municipality=p.municipality, quantity=p.quantity,
                                budget_ceiling_jpy=p.budget_ceiling_jpy)
    db.session.expire(tender, ["participations"])
    tenders.close_survey(actor=coordinator, tender=tender)
    tenders.start_spec_drafting(actor=coordinator, tender=tender)
    tenders.update_specification(actor=coordinator, tender=tender, specification=spec,
                                 bid_deadline=tenders.tokyo_today() + timedelta(days=20),
                                 contract_start=date(2027, 1, 1), contract_end=date(2028, 3, 31))


def seed_procurement(users: dict) -> None:
    """Add the procurement demo data once."""
    if db.session.scalar(select(ProcurementRequest.id).where(ProcurementRequest.external_id == "13112-2026-01")):
        return
    coordinator = users["coordinator"]
    actor_by_code = {"13307": users["officer"], "13112": users["officer2"]}
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    for n, row in enumerate(REQUESTS, start=1):
        _make_request(row, actor_by_code, categories, n, submit=True)
    for n, row in enumerate(DRAFTS, start=len(REQUESTS) + 1):
        _make_request(row, actor_by_code, categories, n, submit=False)
    returned = _make_request(("13112", 2027, "公用スマートフォン MDM", "mdm", "詳細は別紙", 300, "台", 1200000,
                              "2027-04-01", ""), actor_by_code, categories, 99, submit=True)
    services.return_request(actor=coordinator, request=returned,
                            reason="台数の内訳（部署別）と必要な機能（遠隔ロック等）を記載してください。")
    fy26 = [r for r in db.session.scalars(select(ProcurementRequest).where(ProcurementRequest.fiscal_year == 2026)
                                          .order_by(ProcurementRequest.id))]
    group = {key: [r for r in fy26 if r.external_id.split("-")[0] in codes and r.category.code in cats]
             for key, codes, cats in (
                 ("elearning", {"13112", "13115", "13120", "13117", "13307"}, {"e-learning", "security"}),
                 ("genai", {"13104", "13307", "13210"}, {"generative-ai", "other"}),
                 ("mdm", {"13119", "13225", "13364"}, {"mdm", "other"}),
                 ("rpa", {"13111", "13201", "13303"}, {"rpa"}),
                 ("vuln", {"13123", "13206"}, {"security"}))}
    group["elearning"] = [r for r in group["elearning"] if "ラーニング" in r.title or "learning" in r.title
                          or "教育" in r.title]
    group["vuln"] = [r for r in group["vuln"] if "脆弱性" in r.title]
    _awarded_tender(coordinator, users, categories, group["elearning"])
    _other_tenders(coordinator, users, categories, group)


def _awarded_tender(coordinator, users, categories, requests) -> None:
    """情報セキュリティeラーニング: five municipalities, combined scoring, split by quantity, contracts active."""
    tender = tenders.create_tender_from_pool(
        actor=coordinator, request_ids=[r.id for r in requests],
        values=_settings("情報セキュリティ eラーニング 共同調達（令和8年度）", categories["e-learning"], unit="ユーザー",
                         description="5団体の全職員向け情報セキュリティ研修をeラーニングで共同調達します。",
                         award_method="combined", price_weight=70, quality_weight=30, allocation_rule="quantity"))
    _to_tendering(coordinator, tender, "受講者数に応じたユーザーライセンス、受講管理、理解度テスト、LGWAN環境からの受講。")
    tenders.publish_tender(actor=coordinator, tender=tender)
    for vendor, total, score in (("株式会社ラーニングテック", 13800000, 78), ("セキュアエデュ株式会社", 12900000, 70),
                                 ("ジャパンeスクール株式会社", 15600000, 88)):
        awards.record_bid(actor=coordinator, tender=tender, vendor_name=vendor, total_jpy=total, technical_score=score)
    tenders.start_evaluation(actor=coordinator, tender=tender)
    awards.award_tender(actor=coordinator, tender=tender)
    tenders.start_contracting(actor=coordinator, tender=tender)
    tenders.activate_contracts(actor=coordinator, tender=tender)


def _other_tenders(coordinator, users, categories, group) -> None:
    """Open for participation, tendering with bids, drafting the specification, failed."""
    genai = tenders.create_tender_from_pool(
        actor=coordinator, request_ids=[r.id for r in group["genai"]],
        values=_settings("生成AIチャットサービス 共同調達（LGWAN対応）", categories["generative-ai"], unit="ユーザー",
                         description="LGWAN環境で使える生成AIチャットを共同で調達します。手挙げ方式で参加団体を募集します。"))
    first = next(p for p in genai.participations if p.municipality.code == "13104")
    participation.join_tender(actor=None, tender_id=genai.id, municipality=first.municipality, quantity=first.quantity,
                        budget_ceiling_jpy=first.budget_ceiling_jpy)
    mdm = tenders.create_tender_from_pool(
        actor=coordinator, request_ids=[r.id for r in group["mdm"]],
        values=_settings("公用スマートフォン MDM 共同調達", categories["mdm"], unit="台", allocation_rule="quantity"))
    _to_tendering(coordinator, mdm, "iOS/Android対応、遠隔ロック・ワイプ、資産管理、24時間サポート。")
    tenders.publish_tender(actor=coordinator, tender=mdm)
    awards.record_bid(actor=coordinator, tender=mdm, vendor_name="モバイルガード株式会社", unit_price_jpy=3200)
    awards.record_bid(actor=coordinator, tender=mdm, vendor_name="東京デバイスサービス株式会社", unit_price_jpy=3450)
    rpa = tenders.create_tender_from_pool(
        actor=coordinator, request_ids=[r.id for r in group["rpa"]],
        values=_settings("RPAツール 共同調達", categories["rpa"], unit="ライセンス", allocation_rule="equal"))
    _to_tendering(coordinator, rpa, "")
    vuln = tenders.create_tender_from_pool(
        actor=coordinator, request_ids=[r.id for r in group["vuln"]],
        values=_settings("Webサイト脆弱性診断 共同調達", categories["security"], unit="サイト"))
    _to_tendering(coordinator, vuln, "OWASP Top 10に基づく診断、報告書、再診断1回。ISMS認証取得事業者に限る。")
    tenders.publish_tender(actor=coordinator, tender=vuln)
    awards.record_bid(actor=coordinator, tender=vuln, vendor_name="株式会社セキュリティ診断ラボ", total_jpy=5100000,
                      valid=False, invalid_reason="ISMS認証の証明書が提出されなかったため無効")
    tenders.start_evaluation(actor=coordinator, tender=vuln)
    tenders.fail_tender(actor=coordinator, tender=vuln, reason="有効な入札がなかったため不調。再度の入札を予定。")
