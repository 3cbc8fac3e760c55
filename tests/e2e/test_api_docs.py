import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_api_docs_page_renders_the_openapi_document_offline(browser_page, live_server):
    """Swagger UI comes from static/vendor: any request leaving the live server is refused."""
    outside = []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    browser_page.route("**/*", guard)
    browser_page.goto("/api/docs/")
    operation = browser_page.locator(".swagger-ui .opblock-summary-path", has_text="/api/catalog/services/").first
    operation.wait_for()
    assert browser_page.locator(".swagger-ui .info .title").inner_text().startswith("ЦНАП API")
    assert browser_page.locator(".swagger-ui .opblock-summary-path").count() == 10  # 7 + the queue booking operations
    assert outside == []
