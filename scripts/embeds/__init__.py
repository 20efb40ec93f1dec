"""Video and audio embeds: a Markdown syntax for editors, privacy-safe facades for readers.

Editors write a block (pymdownx.blocks syntax, one small class per kind on a shared base):

    /// video | The title, which is the player's accessible name
        provider: youtube
        id: M7lc1UVf-VE
        duration: "6:30"
    ///

Nothing is requested from the provider until the reader presses play: the page shows a
self-hosted poster (the editor's, or one drawn with Pillow from the title and the brand
tokens) inside a plain link to the provider, so it works without JavaScript; a small
script swaps in the provider's privacy-enhanced player on click. Every block is checked
before the build (`scan.check_embeds`), so a bad one stops it with the file and line;
pymdownx.blocks alone would silently print an invalid block as text.
"""
