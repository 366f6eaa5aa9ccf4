from ninja import NinjaAPI

api = NinjaAPI(title="Tradewind API", version="1", docs_url="/docs")
