from __future__ import annotations

from tending.accounts.demo import DemoSecrets, load_demo_data
from tending.assignments.demo import load_homework
from tending.formulation.demo import load_formulation_demo
from tending.formulation.models import CirclesCheckIn, FormulationLink, FormulationVersion


def test_the_demo_tells_a_formulation_story_once(db):
    load_demo_data(DemoSecrets(password="demo words 123", totp_secret="A" * 32, changed=True))
    load_homework()
    assert load_formulation_demo() == (
        "Formulation: 3 new versions and 2 practice links; 16 new three-circles check-ins."
    )
    versions = list(FormulationVersion.objects.order_by("number"))
    assert [v.author_role for v in versions] == ["clinician", "client", "clinician"]
    assert all(v.formulation.client.name == "Sam Rivers" for v in versions)
    assert versions[-1].self_relating and versions[0].self_relating == ""
    assert FormulationLink.objects.count() == 2
    soothe = list(CirclesCheckIn.objects.order_by("created_at").values_list("soothe", flat=True))
    assert sum(soothe[-4:]) > sum(soothe[:4])  # soothe slowly grows

    assert load_formulation_demo().startswith("Formulation: 0 new versions and 0 practice links")
    assert FormulationVersion.objects.count() == 3 and CirclesCheckIn.objects.count() == 16
