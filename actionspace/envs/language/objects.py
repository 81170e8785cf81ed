"""Twenty Questions' knowledge base: 100 everyday objects, each with the attributes that are true of it.

One line per object: ``name: attribute attribute ...``; an attribute not listed is false. The attributes
(and the question words that ask about them) are in `ATTRIBUTES`, most specific first.
"""

from __future__ import annotations

import re

OBJECTS_TEXT = """
dog: alive animal mammal pet
cat: alive animal mammal pet
horse: alive animal mammal farm bigger_than_person
cow: alive animal mammal farm bigger_than_person
pig: alive animal mammal farm
sheep: alive animal mammal farm
lion: alive animal mammal wild bigger_than_person
tiger: alive animal mammal wild bigger_than_person
elephant: alive animal mammal wild bigger_than_person
giraffe: alive animal mammal wild bigger_than_person
monkey: alive animal mammal wild
bear: alive animal mammal wild bigger_than_person
rabbit: alive animal mammal pet
mouse: alive animal mammal
whale: alive animal mammal wild water bigger_than_person
dolphin: alive animal mammal wild water
shark: alive animal wild water fish bigger_than_person
salmon: alive animal water fish edible
eagle: alive animal bird wild flies
owl: alive animal bird wild flies
penguin: alive animal bird wild water
chicken: alive animal bird farm edible
parrot: alive animal bird pet flies
bee: alive animal insect flies
butterfly: alive animal insect flies
snake: alive animal wild reptile
frog: alive animal wild water
apple: alive plant edible fruit kitchen
banana: alive plant edible fruit kitchen
orange: alive plant edible fruit kitchen
strawberry: alive plant edible fruit kitchen
grape: alive plant edible fruit kitchen
watermelon: alive plant edible fruit kitchen
carrot: alive plant edible vegetable kitchen
potato: alive plant edible vegetable kitchen
tomato: alive plant edible vegetable fruit kitchen
onion: alive plant edible vegetable kitchen
bread: edible kitchen man_made
cheese: edible kitchen man_made
egg: edible kitchen
rice: edible kitchen plant
chocolate: edible kitchen man_made
pizza: edible kitchen man_made
rose: alive plant flower
oak tree: alive plant wooden bigger_than_person
cactus: alive plant
sunflower: alive plant flower
car: man_made vehicle wheels metal bigger_than_person
bicycle: man_made vehicle wheels metal
bus: man_made vehicle wheels metal bigger_than_person
train: man_made vehicle wheels metal bigger_than_person
airplane: man_made vehicle wheels metal flies bigger_than_person
boat: man_made vehicle water bigger_than_person
motorcycle: man_made vehicle wheels metal
helicopter: man_made vehicle metal flies bigger_than_person
truck: man_made vehicle wheels metal bigger_than_person
skateboard: man_made vehicle wheels wooden
chair: man_made furniture wooden
table: man_made furniture wooden
bed: man_made furniture bigger_than_person
sofa: man_made furniture bigger_than_person
lamp: man_made furniture electronic
bookshelf: man_made furniture wooden bigger_than_person
desk: man_made furniture wooden
mirror: man_made furniture
hammer: man_made tool metal
screwdriver: man_made tool metal
saw: man_made tool metal
scissors: man_made tool metal
knife: man_made tool metal kitchen
spoon: man_made metal kitchen
fork: man_made metal kitchen
frying pan: man_made metal kitchen
kettle: man_made metal kitchen electronic
guitar: man_made instrument wooden
piano: man_made instrument wooden bigger_than_person
violin: man_made instrument wooden
drum: man_made instrument
trumpet: man_made instrument metal
phone: man_made electronic
laptop: man_made electronic
television: man_made electronic
camera: man_made electronic
refrigerator: man_made electronic kitchen bigger_than_person
microwave: man_made electronic kitchen
headphones: man_made electronic wearable
clock: man_made electronic
shirt: man_made wearable
shoe: man_made wearable
hat: man_made wearable
umbrella: man_made
backpack: man_made wearable
book: man_made
pencil: man_made wooden
ball: man_made
key: man_made metal
candle: man_made
bottle: man_made kitchen
cup: man_made kitchen
toothbrush: man_made
"""

# Ordered: the first attribute whose pattern matches a question is the one asked about. More specific
# patterns come before the general ones they contain ("live in water" before "alive").
ATTRIBUTES: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in [
        ("water", r"\b(in|under|near) (the )?water\b|\bswim|\b(sea|ocean|aquatic)\b"),
        ("bigger_than_person", r"\b(bigger|larger|taller) than\b|\b(big|large|huge)\b"),
        ("flies", r"\bfly\b|\bflies\b|\bflying\b|\bwings?\b"),
        ("wheels", r"\bwheels?\b"),
        ("mammal", r"\bmammals?\b"),
        ("bird", r"\bbirds?\b"),
        ("fish", r"\bfish\b"),
        ("insect", r"\b(insect|bug)s?\b"),
        ("reptile", r"\breptiles?\b"),
        ("pet", r"\bpets?\b"),
        ("farm", r"\bfarm\b"),
        ("wild", r"\bwild\b"),
        ("fruit", r"\bfruits?\b"),
        ("vegetable", r"\bvegetables?\b"),
        ("flower", r"\bflowers?\b"),
        ("edible", r"\b(eat|edible|food)\b"),
        ("kitchen", r"\bkitchen\b"),
        ("vehicle", r"\b(vehicle|transport|ride|drive)\b"),
        ("furniture", r"\bfurniture\b"),
        ("tool", r"\btools?\b"),
        ("instrument", r"\b(instrument|music|musical)\b"),
        ("electronic", r"\b(electronic|electric|electricity|battery|plug)\b"),
        ("wearable", r"\b(wear|wearable|worn|clothing|clothes)\b"),
        ("wooden", r"\bwood(en)?\b"),
        ("metal", r"\bmetal\b"),
        ("man_made", r"\b(man[- ]made|made by (people|humans)|manufactured|artificial)\b"),
        ("animal", r"\b(animal|creature)s?\b"),
        ("plant", r"\bplants?\b"),
        ("alive", r"\b(alive|living|live)\b"),
    ]
]


def load_objects() -> dict[str, frozenset[str]]:
    objects = {}
    for line in OBJECTS_TEXT.strip().splitlines():
        name, _, attributes = line.partition(":")
        objects[name.strip()] = frozenset(attributes.split())
    return objects


OBJECTS = load_objects()
