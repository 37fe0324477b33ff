"""What the voices tests share: the bundled testimonials' texts, their highlights and theme
labels written by hand, a testimonial added for a test, and a sentence to pin.

Hand counts from the seed (data/testimonials.csv, 11 testimonials, all in English): Chao Ping
and Lee name no program; Trinh Doan and Alejandro write about Tono and Urahoro; Leandro, Hakim
and Roger about Tono; Gae about Yame; Jade, Hester and Charles about Shimokawa. Every author has
public_consent true; Joy and the unnamed people have it false (and no testimonial).
"""

from __future__ import annotations

import pandas as pd

EXPECTED_HIGHLIGHTS = {
    "chao-ping": "If you're a foreign student in Japan and you want to be involved in rural "
    "regions I cannot recommend Sosei Partners more.",
    "lee": "Joining with Sosei Partners has been one of the best valuable experience in Japan.",
    "trinh-doan": "The summer with Sosei Partners in Tono and Urahoro has been the best summer "
    "ever!",
    "alejandro": "These two projects have been one of my best experiences in Japan, and thanks "
    "to them I have been able to learn more about the culture of rural Japan and civic "
    "collaboration.",
    "hakim": "I was amazed by the ingenuity, welcoming hearts and the shared visions of the "
    "townspeople with whom we met.",
    "gae": "Participating Fukuoka trip with Sosei Partners was one of my unique and "
    "unforgettable experiences in Japan.",
    "jade": "Participating in Sosei Partners program was indeed a rewarding and eye-opening "
    "experience.",
    "hester": "I have never felt so welcomed in my life.",
    "charles": "Sosei Partners was an extremely fun and rewarding experience!",
}


def texts(dataset) -> dict[str, str]:
    """``{testimonial_id: text}`` of a dataset."""
    return dict(
        zip(dataset.testimonials["testimonial_id"], dataset.testimonials["text"], strict=True)
    )


# labelled by reading each text against the theme names, before the keyword list was written
HAND_LABELS = {
    "chao-ping": {"skills", "rural"},
    "lee": {"skills", "teamwork", "rural"},
    "trinh-doan": {"rural"},
    "alejandro": {"culture", "tourism", "rural"},
    "leandro": {"culture", "tourism", "teamwork", "rural"},
    "hakim": {"welcome", "tourism", "teamwork"},
    "roger": {"skills", "tourism", "teamwork"},
    "gae": {"welcome", "culture", "tourism", "nature", "rural"},
    "jade": {"welcome", "nature", "rural"},
    "hester": {"welcome", "tourism", "nature", "rural"},
    "charles": {"welcome", "skills", "tourism", "nature", "teamwork", "rural"},
}


def with_testimonial_by(dataset, participant_id: str, text: str = "We made tea together."):
    """``dataset`` with one more testimonial ("extra"), by ``participant_id``."""
    extra = pd.DataFrame(
        [
            {
                "testimonial_id": "extra",
                "participant_id": participant_id,
                "program_id": "tono-2017-09"
                if participant_id.startswith("tono")
                else "shimokawa-2017-03",
                "text": text,
                "language": "en",
                "source": "test",
            }
        ]
    )
    return dataset.replace(testimonials=pd.concat([dataset.testimonials, extra], ignore_index=True))


PIN = "I learnt more about Japan and spoke more Japanese, and felt more useful, in those two weeks than I had in an entire semester at university."  # noqa: E501
