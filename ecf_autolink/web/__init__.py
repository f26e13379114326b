"""Web basics every higher layer shares: how a step stops (`stops`) and what an address or
a failed load means (`net`). Nothing here drives a page or imports a page, flow or command."""
