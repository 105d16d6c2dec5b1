"""The yardstick for the Today page: a bare Litestar app with one Jinja2 page and nothing else.

No database, no session, no middleware but gzip (as the real app sends to browsers).
Its template has the Today page's shape (a head, a list of items with a form each,
autoescaped values) and is sized to the Today page: `BARE_PAGE_BYTES` says how many
bytes the rendered page should have.

    BARE_PAGE_BYTES=12000 uvicorn bare_page:create_app --factory --app-dir bench
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from jinja2 import DictLoader, Environment
from litestar import Litestar, get
from litestar.config.compression import CompressionConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }} · Bare</title>
  <link rel="stylesheet" href="/static/app.css">
</head>
<body>
  <header class="topbar"><a class="brand" href="/">Bare</a>
    <nav aria-label="Main"><a href="/" aria-current="page">{{ title }}</a></nav>
  </header>
  <main id="main" class="page">
    <h1>{{ title }}</h1>
    <ul class="due-list">
    {% for item in items %}
      <li class="due-item{% if item.done %} done{% endif %}">
        <div class="due-text">
          <strong>{{ item.text }}</strong>
          <small class="muted">with {{ item.partner }}{% if item.yesterday %} · yesterday{% endif %}</small>
        </div>
        <form method="post" action="/items/{{ item.id }}">
          <input type="hidden" name="key" value="{{ item.key }}">
          <input type="hidden" name="day" value="{{ item.day }}">
          <button class="button tap kept" type="submit" name="outcome" value="kept" aria-label="Kept: {{ item.text }}">Kept</button>
          <button class="button tap missed" type="submit" name="outcome" value="missed" aria-label="Missed: {{ item.text }}">Missed</button>
        </form>
      </li>
    {% endfor %}
    </ul>
  </main>
</body>
</html>
"""  # noqa: E501


@dataclass(frozen=True)
class Item:
    id: int
    text: str
    partner: str
    day: str
    key: str
    done: bool
    yesterday: bool


def items(count: int) -> list[Item]:
    return [
        Item(
            id=n,
            text=f"Reply to messages the same day & share notes #{n}",
            partner="Bob",
            day="2026-03-31",
            key=f"{n:032x}",
            done=n % 3 == 0,
            yesterday=n % 4 == 0,
        )
        for n in range(count)
    ]


def sized_items(environment: Environment, target: int) -> list[Item]:
    """As many items as make the rendered page reach `target` bytes."""
    template = environment.get_template("page.html")
    count = 0
    while count < 10_000:
        count += 1
        if len(template.render(title="Today", items=items(count)).encode()) >= target:
            break
    return items(count)


def create_app() -> Litestar:
    environment = Environment(loader=DictLoader({"page.html": PAGE}), autoescape=True)
    page_items = sized_items(environment, int(os.environ.get("BARE_PAGE_BYTES", "10000")))

    @get("/")
    async def page() -> Template:
        return Template(template_name="page.html", context={"title": "Today", "items": page_items})

    return Litestar(
        route_handlers=[page],
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment)),
        # Browsers ask for gzip and the real app gives it: the yardstick does the same.
        compression_config=CompressionConfig(backend="gzip", gzip_compress_level=6),
        debug=False,
    )
