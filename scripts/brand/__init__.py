"""Brand-rule checks: the logo policy and the rest of `brand/rules.yml`, on sources and on
the built site (HTML pages and the PDFs), by `ipbes-site check` and by every build.

One module per kind of evidence: `logos` finds a logo inside a picture, `publications`
reads covers in HTML and PDF, `text` reads prose (the acronym and names that use it),
`files` reads stylesheets, templates and image files. `rules` holds what each rule is,
`findings` how a result is printed, `run` puts them together.
"""
