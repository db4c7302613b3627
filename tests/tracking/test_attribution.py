"""The attribution id the redirect hands to the shop."""

from __future__ import annotations

from tracking.links.attribution import attribution_of, with_attribution


def test_the_code_is_appended_to_the_query_keeping_the_rest() -> None:
    url = with_attribution("https://shop.test/p?utm_source=influencer&a=1#top", "AbC_-9")
    assert url == "https://shop.test/p?utm_source=influencer&a=1&io_ref=AbC_-9#top"


def test_an_io_ref_already_there_is_replaced_not_doubled() -> None:
    url = with_attribution("https://shop.test/?io_ref=old&x=", "new")
    assert url == "https://shop.test/?x=&io_ref=new"
    assert attribution_of(url) == "new"


def test_a_destination_without_a_query_gets_one() -> None:
    assert with_attribution("https://shop.test", "c1") == "https://shop.test?io_ref=c1"


def test_the_id_is_read_back_from_a_landing_url_or_a_query() -> None:
    assert attribution_of("/products/x?utm_source=a&io_ref=k2") == "k2"
    assert attribution_of("io_ref=k3") == "k3"
    assert attribution_of("https://shop.test/") == ""
