"""The LEMS site plugin: the only place that handles MkDocs events.

Each event hands its work to a domain module (references, audiences, review, checks, html,
diagrams) and keeps what later events need on this instance, for this build only. Where the
order among plugins matters it is set with `event_priority`, never by the order in mkdocs.yml:
citations become numbers before any other plugin reads the Markdown, and the policy is written
after every other plugin has finished with the page.
"""

from __future__ import annotations

import datetime as _dt
import functools
import html as _html
import logging
import os
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from jinja2 import Environment
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from lems_site import audiences, review, search, urgent, vocabulary
from lems_site.checks import Report, check_rendered_html, is_inside, links, run_source_checks, site_text
from lems_site.config import LemsConfig, Settings, settings_for
from lems_site.diagrams import drawing
from lems_site.html import csp, material_fixes
from lems_site.problems import Problem, relpath
from lems_site.references import bibliography, citations

# Inline scripts of the theme and this plugin: every one is a template without variables, so
# its hash is known before the first page is built (html/csp.py). They are .html files so that
# MkDocs treats them as templates and does not also publish them as static files.
INLINE_SCRIPT_TEMPLATES = (
    "partials/lems/inline/audience-head.html",
    "partials/lems/inline/material-base.html",
    "partials/lems/inline/material-content.html",
)


@dataclass
class PageState:
    """What later events need to know about one page of this build."""

    anchors: dict[str, str] = field(default_factory=dict)  # id -> audience of its section
    audiences: list[str] = field(default_factory=list)  # versions the page has
    diagrams: list[str] = field(default_factory=list)  # drawn SVG, in page order
    url: str = ""  # as the search index has it: "" for the home page


class LemsPlugin(BasePlugin[LemsConfig]):
    """Checks the sources, renders citations and versions, and secures every page."""

    supports_multiple_instances = False

    def __init__(self):
        super().__init__()
        # Whether this process serves the preview: set once, by on_startup, for the process's
        # life. `mkdocs serve` loads the configuration again on every rebuild (load_config
        # below), so this must not be part of the build's state.
        self.serving = False
        self._forget_build()

    def load_config(self, options, config_file_path=None):
        """Validate the options; a new configuration starts a new build's state.

        MkDocs keeps one instance of a plugin that has `on_startup` for the whole process (so
        that `mkdocs serve` can reuse it): what one site's build learnt must not leak into the
        next configuration loaded in the same process.
        """
        self._forget_build()
        return super().load_config(options, config_file_path)

    def _forget_build(self) -> None:
        self.settings: Settings | None = None
        self.report: Report | None = None
        self.formatted_references: dict[str, str] = {}
        self.pages: dict[str, PageState] = {}
        self.citing_pages: set[str] = set()
        self.reference_lists: set[str] = set()  # locations of the full list in the search index
        self.env: Environment | None = None
        self.allowed_scripts: frozenset[str] = frozenset()
        self.today: _dt.date | None = None
        self.site_pages = links.SitePages()
        self.reported_links: dict[str, set[str]] = {}  # built file -> addresses reported from its source
        self.files: Files | None = None
        # Diagrams: "svg" (drawn at build time), "browser" (mermaid2 draws them on the page) or
        # "none" (the site has none).
        self.diagram_mode = "browser"
        self.diagram_notice = ""
        self.drawer: drawing.DiagramDrawer | None = None
        self.drawer_start = 0.0
        self.diagram_counts = {"drawn": 0, "cached": 0, "seconds": 0.0}

    # -----------------------------------------------------------------------------------------
    # Driving the checks outside an MkDocs build (scripts/validate.py, build.py, new_page.py)

    def check_sources(self, config: MkDocsConfig, *, today: _dt.date | None = None) -> Report:
        """Run every source check once for this build; later calls return the same report."""
        if self.report is None:
            self.settings = self.settings or settings_for(self.config, config)
            self.today = today or self.today
            self.report = run_source_checks(self.settings, today=self.today)
            # mkdocs.yml arrives by pull request too: its titles reach Material's templates.
            self.report.problems.extend(
                site_text.check_config(config, relpath(config.config_file_path, self.settings.root))
            )
            # Links too, so that `make check` catches what the build would, without building.
            self.report.problems.extend(self._source_walk_links(config, self.report))
            self.report.problems.sort(key=lambda p: (p.path, p.line, p.message))
        return self.report

    def _source_walk_links(self, config: MkDocsConfig, report: Report) -> list[Problem]:
        """The source pass of the link check, before (or without) a build.

        Pages and addresses come from MkDocs' own file walk; each page's ids from its Markdown,
        rendered with the site's extensions, plus the reference list this plugin adds to it.
        """
        import markdown
        from mkdocs.structure.files import get_files

        from lems_site.driver import in_folder_of

        extensions = list(config.markdown_extensions)
        if not any(isinstance(e, audiences.AudienceExtension) for e in extensions):
            labels = {a.id: a.block_label for a in self.config.audiences}
            extensions.append(audiences.AudienceExtension(labels=labels))
        problems = []
        # Snippets' base_path is relative to the folder of mkdocs.yml.
        with in_folder_of(config.config_file_path):
            files = get_files(config)
            site = links.site_pages(files)
            renderer = markdown.Markdown(extensions=extensions, extension_configs=config.mdx_configs)
            pages = []
            for file in files.documentation_pages():
                doc = report.documents.get(relpath(file.abs_src_path, self.settings.root))
                if doc is None:
                    continue
                pages.append((file, doc))
                try:
                    html = renderer.reset().convert("\n".join(text for _, text in doc.lines))
                except Exception as err:  # an extension of mkdocs.yml that crashes: one line, no traceback
                    where = relpath(config.config_file_path, self.settings.root)
                    crash = f"{type(err).__module__}.{type(err).__name__}: {err}"
                    message = f"a Markdown extension stopped on {doc.rel}: {crash}; links and anchors were not checked"
                    return [Problem(where, 1, message)]
                site.ids[file.src_uri] = audiences.anchors_in(html)[2] | _reference_list_ids(
                    doc, report.citations.get(doc.rel, []), report.bibliography
                )
        for file, doc in pages:
            problems.extend(links.source_links(doc, file.src_uri, site, page_url=file.url))
        return problems

    # -----------------------------------------------------------------------------------------
    # MkDocs events

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` injects its live-reload script inline, different on every reload, so
        # no hash can allow it: for the local preview only, inline scripts are allowed outright.
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.settings = settings_for(self.config, config)
        labels = {a.id: a.block_label for a in self.config.audiences}
        config.markdown_extensions.append(audiences.AudienceExtension(labels=labels))
        # The callout's markup is a theme template, so overrides/ can restyle it like the rest.
        render = urgent.template_renderer(config.theme.get_env())
        config.markdown_extensions.append(urgent.UrgentExtension(render=render))
        _guard_mermaid2(config)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # `mkdocs serve` rebuilds on every save: each rebuild checks the sources anew.
        if self.serving:
            self.report = None
        self.pages = {}
        self.citing_pages = set()
        self.reference_lists = set()
        self.env = None
        report = self.check_sources(config)
        # Under serve, a warning on "mkdocs." would abort the rebuild (strict), leaving the old
        # pages in the browser: the problems print on a logger of their own and show on every
        # page instead (serve-problems.html).
        warn = serve_log.warning if self.serving else log.warning
        for problem in report.problems:
            (warn if problem.severity == "error" else log.info)(str(problem))
        bib = report.bibliography
        self.formatted_references = self._formatted(bib) if bib and bib.entries else {}
        self._plan_diagrams(config)

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:
        # A review record changes what a page says about its review: committing one must
        # rebuild the preview like a save under docs/ does.
        reviews = os.path.join(self.settings.root, vocabulary.REVIEWS_DIR)
        if os.path.isdir(reviews):
            server.watch(reviews)
        return server

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.files = files
        self.site_pages = links.site_pages(files)
        return files

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        # Every page's content is rendered by now: each link is checked again against the ids
        # the build has just rendered. What the source walk reported is printed only once, and
        # the output pass (on_post_build) leaves out every link reported here.
        already = {str(p) for p in self.report.problems}
        self.reported_links = {}
        for file in files.documentation_pages():
            doc = self.report.documents.get(self._rel(file.page)) if file.page else None
            if doc is None:
                continue
            for broken in links.broken_links(doc, file.src_uri, self.site_pages, page_url=file.url):
                self.reported_links.setdefault(file.dest_uri, set()).add(broken.built)
                if str(broken.problem) not in already:
                    log.warning(str(broken.problem))
        self.allowed_scripts = frozenset(
            csp.script_hash(env.get_template(name).render()) for name in INLINE_SCRIPT_TEMPLATES
        )
        if self.diagram_mode == "browser" or self.serving:
            # Only where mermaid2 still draws in the browser does its loader reach a page.
            self.allowed_scripts |= self._mermaid2_loader_hashes(config)
        return env

    @event_priority(50)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Before other plugins: they then see numbered citations, never `[@key]`.
        report = self.report
        rel = self._rel(page)
        doc = report.documents.get(rel)
        if doc is None:
            # MkDocs publishes a page the source walk did not see (a symlinked folder, say):
            # it must not escape the checks.
            log.warning(f"{rel}:1: page was published without its source checks")
            return markdown
        found = report.citations.get(rel, [])
        bib = report.bibliography
        numbers = citations.number_keys(found, set(self.formatted_references))
        body = "\n".join(text for _, text in doc.lines)
        first_line = doc.body_start + (len(body) - len(body.lstrip("\n")))
        names = citations.author_names(bib) if bib else {}
        markdown = citations.replace_in_markdown(markdown, first_line=first_line, doc=doc, numbers=numbers, names=names)
        # The lists' markup is a template, rendered in the same environment as page furniture.
        if self.env is None:
            self.env = config.theme.get_env()
        references = self.env.get_template("partials/lems/references.html")
        notes = {
            "versions": citations.list_versions(
                [dict(a) for a in self.config.audiences], self.settings.readability_audience
            ),
            "words": vocabulary.template_vocabulary(),
        }
        if numbers:
            self.citing_pages.add(page.file.src_uri)
            items = citations.page_list_items(
                numbers=numbers,
                cited_in=citations.cited_in(found),
                formatted=self.formatted_references,
                bib=bib,
                audiences=self.settings.audiences,
            )
            markdown += PAGE_LIST_HEADING + references.render(items=items, full=False, **notes) + "\n"
        if page.meta.get("bibliography") == "full":
            items = citations.full_list_items(bib=bib, formatted=self.formatted_references)
            markdown += FULL_LIST_HEADING + references.render(items=items, full=True, **notes)
            self.reference_lists.add(f"{page.url}#{FULL_REFERENCES_ID}")
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        rel = self._rel(page)
        doc = self.report.documents.get(rel)
        for problem in check_rendered_html(html, rel, doc):
            log.warning(str(problem))
        bib = self.report.bibliography
        # Whatever citation form the source checks did not foresee, as the reader would see it.
        # Lines the source checks already reported (an unknown key, say) are not reported again.
        reported = frozenset(p.line for p in self.report.problems if p.path == rel)
        names = citations.author_names(bib) if bib else {}
        for problem in citations.check_rendered(html, rel, doc, names, reported):
            log.warning(str(problem))
        anchors, present, self.site_pages.ids[page.file.src_uri] = audiences.anchors_in(html)
        state = self.pages[page.file.src_uri] = PageState(anchors=anchors, audiences=present, url=page.url)
        if self.diagram_mode == "svg":
            html = self._draw_diagrams(html, rel, state)
        furniture = self._render("partials/lems/page-status.html", page=page, config=config)
        if page.is_homepage:
            furniture += self._render("partials/lems/audience-welcome.html", page=page, config=config)
        # After the page's title, so that the title stays the first thing read.
        match = re.search(r"</h1>", html)
        if match:
            html = html[: match.end()] + furniture + html[match.end() :]
        else:
            html = furniture + html
        failing = self.report.failing() if self.serving else []
        if failing:
            # The preview keeps serving pages built from sources with problems: say so on each.
            env = self.env or config.theme.get_env()
            html = env.get_template("partials/lems/serve-problems.html").render(problems=failing) + html
        return html

    def on_page_context(self, context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
        context["lems"] = self._template_values(config, page)
        return context

    def on_template_context(self, context: dict, *, template_name: str, config: MkDocsConfig) -> dict:
        context["lems"] = self._template_values(config, None)
        return context

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # Last: every other plugin (mermaid2 adds its loader here) has finished with the page.
        state = self.pages.get(page.file.src_uri, PageState())
        if state.diagrams:
            if self.env is None:
                self.env = config.theme.get_env()
            output = _fill_diagrams(
                output,
                state.diagrams,
                render=self.env.get_template("partials/lems/diagram.html").render,
                save=functools.partial(self._save_diagram, page, config),
            )
        output = audiences.tag_toc(output, state.anchors)
        return self._secure(material_fixes.fix(output), self._rel(page))

    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # After Material's search plugin has written its index (priority 0): each version's
        # index is made from it.
        self._close_drawer()
        self._write_search_indexes(config)
        if self.diagram_mode == "svg":
            counts = self.diagram_counts
            drawn = counts["drawn"]
            timing = f" in {counts['seconds']:.1f} s after {self.drawer_start:.1f} s to start Chromium" if drawn else ""
            self.diagram_notice = f"Diagrams: {drawn} drawn{timing}; {counts['cached']} from the cache; inline SVG"
            log.info(self.diagram_notice)
        # What the source pass cannot see: links the theme and snippets write, in every file.
        by_dest = {file.dest_uri: file.src_uri for file in self.files.documentation_pages()}
        site_path = urlsplit(config.site_url or "/").path or "/"
        site_path = site_path if site_path.endswith("/") else site_path + "/"
        found = links.output_links(config.site_dir, site_path=site_path, reported=self.reported_links)
        for built, link, reason in found:
            src = by_dest.get(built)
            where = f"{self.settings.docs_dir_rel}/{src}" if src else built
            log.warning(f"{where}:1: link '{link}' in the built page: {reason}")

    def _write_search_indexes(self, config: MkDocsConfig) -> None:
        pages = {state.url: state.anchors for state in self.pages.values()}
        search.write_version_indexes(
            config.site_dir,
            audiences=[a.id for a in self.config.audiences],
            versions=search.section_versions(pages),
            labels={a.id: a.block_label for a in self.config.audiences},
            reference_lists=self.reference_lists,
        )

    def on_build_error(self, *, error: Exception) -> None:
        self._close_drawer()

    def on_shutdown(self) -> None:
        self._close_drawer()

    @event_priority(-100)
    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if csp.PLACEHOLDER not in output_content:
            return output_content
        return self._secure(material_fixes.fix(output_content), template_name)

    # -----------------------------------------------------------------------------------------

    def _plan_diagrams(self, config: MkDocsConfig) -> None:
        """Draw at build time, or leave the diagrams to mermaid2 in the browser (and say why)."""
        self._close_drawer()
        self.drawer = None
        self.drawer_start = 0.0
        self.diagram_counts = {"drawn": 0, "cached": 0, "seconds": 0.0}
        self.diagram_mode, self.diagram_notice = "browser", ""
        options = self.config.diagrams
        draw = options.draw
        if draw == "auto" and os.environ.get(REQUIRE_DIAGRAMS_ENV, "") not in ("", "0"):
            # CI and publishing turn "auto" into "require"; a site that chose otherwise keeps it.
            draw = "require"
        if self.serving or draw == "browser":
            # The live preview keeps drawing in the browser: a save shows at once, no Chromium.
            return
        if not any(f.lang == "mermaid" for d in self.report.documents.values() for f in d.fences):
            self.diagram_mode = "none"  # nothing to draw, so nothing is required
            return
        chromium = options.chromium
        mermaid_js = os.path.join(self.settings.root, options.mermaid)
        missing = drawing.missing_tools(chromium=chromium, mermaid_js=mermaid_js)
        if missing:
            if draw == "require":
                raise PluginError(f"Diagrams must be drawn at build time, but {missing}")
            self.diagram_notice = f"Diagrams: {missing}: drawn in the browser by mermaid2 instead"
            log.info(self.diagram_notice)
            return
        mermaid2 = config.plugins.get("mermaid2")
        arguments = dict(mermaid2.config.get("arguments") or {}) if mermaid2 is not None else {}
        self.drawer = drawing.DiagramDrawer(
            chromium=chromium,
            mermaid_js=mermaid_js,
            config=drawing.drawing_config(arguments),
            cache_dir=os.path.join(self.settings.cache_dir, "diagrams"),
        )
        self.diagram_mode = "svg"

    def _draw_diagrams(self, html: str, rel: str, state: PageState) -> str:
        """Each `<div class="mermaid">` becomes a place for its SVG, filled in after the page is built.

        The SVG itself goes in only at on_post_page, after the search plugin has read the page:
        its styles and labels would otherwise become search text.
        """
        doc = self.report.documents.get(rel)
        lines = [f.start for f in doc.fences if f.lang == "mermaid"] if doc else []

        def replace(match: re.Match) -> str:
            number = len(state.diagrams) + 1
            line = lines[number - 1] if number <= len(lines) else 1
            source = _html.unescape(match.group("source")).strip("\n")
            svg = self._drawn(source, f"lems-diagram-{number}", f"{rel}:{line}")
            if svg is None:
                return match.group(0)
            state.diagrams.append(svg)
            return DIAGRAM_PLACE.format(number=len(state.diagrams))

        return MERMAID_DIV.sub(replace, html)

    def _drawn(self, source: str, element_id: str, where: str) -> str | None:
        try:
            result = self.drawer.draw(source)
            prepared = _prepare(result, element_id)
            if result.cached and (prepared is None or prepared.removed):
                # An untrusted cache file that needed cleaning: throw it away and draw anew.
                log.info(f"{where}: the cached drawing was unusable; drawing it again")
                self.drawer.forget(result.key)
                result = self.drawer.draw(source)
                prepared = _prepare(result, element_id)
            if prepared is None:
                raise drawing.DiagramError("Mermaid's drawing is not well-formed SVG")
        except drawing.DiagramError as err:
            log.warning(f"{where}: {err}")
            return None
        if self.drawer.launches and not self.drawer_start:
            self.drawer_start = self.drawer.start_seconds
        self.diagram_counts["cached" if result.cached else "drawn"] += 1
        self.diagram_counts["seconds"] += result.seconds
        if prepared.removed:
            dropped = ", ".join(sorted(set(prepared.removed)))
            log.warning(f"{where}: removed from Mermaid's drawing as unsafe: {dropped}")
        return prepared.svg

    def _save_diagram(self, page: Page, config: MkDocsConfig, number: int, text: str) -> str:
        """Write one drawing beside its page in the built site; its address relative to the page."""
        folder, name = posixpath.split(page.file.dest_uri)
        stem = os.path.splitext(name)[0]
        file_name = f"diagram-{number}.svg" if stem == "index" else f"{stem}.diagram-{number}.svg"
        target = os.path.join(config.site_dir, folder, file_name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
        return file_name

    def _close_drawer(self) -> None:
        drawer = getattr(self, "drawer", None)
        if drawer is not None:
            drawer.close()

    def _secure(self, output: str, where: str) -> str:
        policy = csp.policy(self.allowed_scripts, allow_any_inline=self.serving)
        output = csp.apply(output, policy)
        if not self.serving:
            for start in csp.unexpected_scripts(output, self.allowed_scripts):
                log.warning(f"{where}:1: the built page has an inline script the site does not emit: {start!r}")
        if not csp.is_first_in_head(output):
            log.warning(f"{where}:1: the Content-Security-Policy is not the first element of <head>")
        return output

    def _template_values(self, config: MkDocsConfig, page: Page | None) -> dict:
        """Everything the templates read from the plugin: `lems.*` in every template."""
        audience_list = [dict(a) for a in self.config.audiences]
        values = {
            "audiences": audience_list,
            "vocabulary": vocabulary.template_vocabulary(),
            # No diagram is left for Mermaid to measure in the browser.
            "diagrams_drawn": self.diagram_mode in ("svg", "none") and not self.serving,
            "page": None,
        }
        if page is not None:
            state = self.pages.get(page.file.src_uri, PageState())
            present = state.audiences or [a["id"] for a in audience_list]
            values["page"] = {
                "anchors": state.anchors,
                "schema": review.page_schema(
                    title=page.title or "",
                    url=page.canonical_url,
                    meta=page.meta,
                    audiences=[a for a in audience_list if a["id"] in present],
                    reviewed=self._reviewed(page),
                ),
                # Printed at the top of the sheet, with the page's address (print-source.html).
                "last_updated": review.status_values(page.meta)["last_updated"],
                # Only a page with citations loads the preview's script and style.
                "cites": page.file.src_uri in self.citing_pages,
                "report_url": review.report_url(
                    self.config.repository,
                    title=page.title or "",
                    page_url=page.canonical_url or page.url,
                    source=page.file.src_uri,
                ),
            }
        return values

    def _render(self, template: str, *, page: Page, config: MkDocsConfig) -> str:
        from mkdocs.utils import get_relative_url

        # One environment for the whole build (MkDocs' own is made after pages are rendered).
        if self.env is None:
            self.env = config.theme.get_env()
        return self.env.get_template(template).render(
            page=page,
            config=config,
            lems=self._template_values(config, page),
            review={
                **review.status_values(page.meta, self._reviewed(page)),
                "policy_url": self._policy_url(page),
                # The version written in plain language, for patients: the one told to ask their care team.
                "care_team_audience": self.settings.readability_audience,
            },
            base_url=get_relative_url(".", page.url).rstrip("/") + "/",
        )

    def _formatted(self, bib) -> dict[str, str]:
        """Every entry in AMA style; kept between builds, keyed by everything that shapes it."""
        import hashlib
        import importlib.metadata
        import json

        with open(bib.path, "rb") as handle:
            source = handle.read()
        parts = [source, importlib.metadata.version("citeproc-py").encode(), bibliography.STYLE.encode()]
        key = hashlib.sha256(b"\0".join(parts)).hexdigest()
        cache = os.path.join(self.settings.cache_dir, "references", key + ".json")
        if not is_inside(cache, self.settings.root):
            try:
                with open(cache, encoding="utf-8") as handle:
                    cached = json.load(handle)
                if isinstance(cached, dict) and set(cached) == set(bib.entries):
                    return cached
            except (OSError, ValueError):
                pass
        formatted = bibliography.format_entries(bib)
        if not is_inside(cache, self.settings.root):
            try:
                os.makedirs(os.path.dirname(cache), exist_ok=True)
                partial = f"{cache}.{os.getpid()}.tmp"
                with open(partial, "w", encoding="utf-8") as handle:
                    json.dump(formatted, handle)
                os.replace(partial, cache)
            except OSError:
                pass  # a read-only cache folder only costs time
        return formatted

    def _policy_url(self, page: Page) -> str:
        """The address, relative to `page`, of the page that explains review statuses."""
        if not self.config.review_policy:
            return ""
        path, _, fragment = self.config.review_policy.partition("#")
        target = self.files.get_file_from_path(path) if self.files else None
        if target is None:
            log.warning(f"mkdocs.yml:1: review_policy '{self.config.review_policy}' of the lems plugin is not a page")
            return ""
        return target.url_relative_to(page.file) + (f"#{fragment}" if fragment else "")

    def _reviewed(self, page: Page):
        """The page's clinical review as computed from the records (review_records.PageReview)."""
        return self.report.reviews.get(self._rel(page)) if self.report else None

    def _rel(self, page: Page) -> str:
        return relpath(page.file.abs_src_path, self.settings.root)

    def _mermaid2_loader_hashes(self, config: MkDocsConfig) -> frozenset[str]:
        """The loader mermaid2 writes into pages whose diagrams are drawn in the browser.

        Asked of mermaid2 itself, with a stand-in page at every folder depth the site has, so
        that the policy allows exactly the script it emits and nothing found in a page.
        """
        mermaid2 = config.plugins.get("mermaid2")
        if mermaid2 is None:
            return frozenset()
        depths = {"", "a/", "a/b/", "a/b/c/", "a/b/c/d/"}
        hashes = set()
        for depth in depths:
            stand_in = _StandIn(url=depth)
            html = '<html><body><div class="mermaid">graph TD</div></body></html>'
            out = mermaid2.on_post_page(html, config=config, page=stand_in)
            hashes.update(csp.script_hash(body) for body in csp.inline_scripts(out))
        return frozenset(hashes)


def _reference_list_ids(doc, found, bib) -> set[str]:
    """The ids of the reference list on_page_markdown adds to a page (partials/lems/references.html)."""
    ids = set()
    keys = {key for citation in found for key in citation.keys}
    if keys:
        ids |= {REFERENCES_ID, *(REFERENCE_ITEM_ID.format(key=key) for key in keys)}
    if doc.front_matter.get("bibliography") == "full" and bib is not None:
        ids |= {FULL_REFERENCES_ID, *(REFERENCE_ITEM_ID.format(key=key) for key in bib.entries)}
    return ids


def _prepare(result: drawing.Drawing, element_id: str) -> drawing.Prepared | None:
    try:
        return drawing.prepare_svg(result.svg, element_id=element_id)
    except drawing.DiagramError:
        return None


def _fill_diagrams(output: str, diagrams: list[str], *, render, save=None) -> str:
    """Each placeholder becomes its drawing, in the markup of partials/lems/diagram.html.

    `save(number, svg_text)` writes a tall drawing as a file of its own and gives its address.
    """
    for number, svg in enumerate(diagrams, start=1):
        size = drawing.size_of(svg)
        full_size = ""
        if size is not None:
            if size.tall and save is not None:
                full_size = save(number, drawing.standalone(svg, size))
            svg = drawing.with_minimum_width(svg, size)
        # Markup: the drawing went through prepare_svg's allowlist; the title is escaped by the template.
        html = render(svg=Markup(svg), title=drawing.title_of(svg), full_size=full_size)
        output = output.replace(DIAGRAM_PLACE.format(number=number), html, 1)
    return output


def _guard_mermaid2(config: MkDocsConfig) -> None:
    """Run mermaid2's page handler only on pages that still have a diagram for it.

    It parses and re-serialises with BeautifulSoup every page that contains the word "mermaid",
    diagram or not; a page whose diagrams were drawn at build time has nothing for it to do.
    """
    mermaid2 = config.plugins.get("mermaid2")
    events = config.plugins.events["post_page"]
    for index, handler in enumerate(events):
        if mermaid2 is None or getattr(handler, "__self__", None) is not mermaid2:
            continue

        @functools.wraps(handler)
        def only_with_diagrams(output, *args, handler=handler, **kwargs):
            return handler(output, *args, **kwargs) if drawing.needs_browser_drawing(output) else output

        events[index] = only_with_diagrams
        origins = getattr(config.plugins, "_event_origins", None)
        if isinstance(origins, dict):
            origins[only_with_diagrams] = origins.get(handler, "mermaid2")


@dataclass
class _StandIn:
    url: str
    title: str = "stand-in"


REQUIRE_DIAGRAMS_ENV = "LEMS_REQUIRE_DIAGRAMS"
# pymdownx.superfences with mermaid2.fence_mermaid writes `<div class="mermaid">SOURCE</div>`.
MERMAID_DIV = re.compile(r'<div\s+(?:id="[^"]*"\s+)?class="mermaid">(?P<source>.*?)</div>', re.S)
DIAGRAM_PLACE = '<div class="lems-diagram" data-lems-diagram="{number}"></div>'

REFERENCES_ID, FULL_REFERENCES_ID = "references", "every-reference"
REFERENCE_ITEM_ID = "ref-{key}"  # as partials/lems/references.html writes it
PAGE_LIST_HEADING = f"\n\n## References {{#{REFERENCES_ID}}}\n\n"
FULL_LIST_HEADING = f"\n\n## Every reference {{#{FULL_REFERENCES_ID}}}\n\n"

# Under "mkdocs.": the only loggers whose warnings `--strict` counts.
log = logging.getLogger("mkdocs.plugins.lems")
serve_log = logging.getLogger("lems_site.serve")
if not serve_log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("WARNING -  %(message)s"))
    serve_log.addHandler(_handler)
    serve_log.propagate = False

__all__ = ["LemsPlugin", "PageState", "Problem", "PluginError", "os"]
