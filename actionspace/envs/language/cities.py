"""Guess My City's knowledge base: 100 cities with country, continent, climate, coast, capital status,
population (millions, metropolitan, rounded), main language and a landmark.

One line per city: ``name | country | continent | climate | coastal | capital | population | language |
landmark``. Figures are approximate: the game needs facts a person could reason about, not a gazetteer.
"""

from __future__ import annotations

from dataclasses import dataclass

CITIES_TEXT = """
Paris | France | Europe | temperate | no | yes | 11 | French | the Eiffel Tower
London | United Kingdom | Europe | temperate | no | yes | 9 | English | Big Ben
Berlin | Germany | Europe | temperate | no | yes | 4 | German | the Brandenburg Gate
Madrid | Spain | Europe | dry | no | yes | 7 | Spanish | the Prado Museum
Rome | Italy | Europe | mediterranean | no | yes | 4 | Italian | the Colosseum
Lisbon | Portugal | Europe | mediterranean | yes | yes | 3 | Portuguese | the Belem Tower
Amsterdam | Netherlands | Europe | temperate | yes | yes | 2 | Dutch | its canals
Brussels | Belgium | Europe | temperate | no | yes | 2 | French | the Atomium
Vienna | Austria | Europe | continental | no | yes | 2 | German | Schonbrunn Palace
Prague | Czech Republic | Europe | continental | no | yes | 1 | Czech | the Charles Bridge
Warsaw | Poland | Europe | continental | no | yes | 2 | Polish | its rebuilt Old Town
Budapest | Hungary | Europe | continental | no | yes | 2 | Hungarian | the Parliament on the Danube
Athens | Greece | Europe | mediterranean | yes | yes | 3 | Greek | the Acropolis
Stockholm | Sweden | Europe | continental | yes | yes | 2 | Swedish | the Vasa Museum
Oslo | Norway | Europe | continental | yes | yes | 1 | Norwegian | the Viking Ship Museum
Copenhagen | Denmark | Europe | temperate | yes | yes | 2 | Danish | the Little Mermaid statue
Helsinki | Finland | Europe | continental | yes | yes | 1 | Finnish | Suomenlinna fortress
Dublin | Ireland | Europe | temperate | yes | yes | 1 | English | Trinity College
Edinburgh | United Kingdom | Europe | temperate | yes | no | 1 | English | its castle on a rock
Barcelona | Spain | Europe | mediterranean | yes | no | 5 | Spanish | the Sagrada Familia
Milan | Italy | Europe | temperate | no | no | 3 | Italian | its Gothic cathedral
Venice | Italy | Europe | temperate | yes | no | 1 | Italian | gondolas on the Grand Canal
Munich | Germany | Europe | continental | no | no | 3 | German | Oktoberfest
Hamburg | Germany | Europe | temperate | yes | no | 2 | German | its harbour and Elbphilharmonie
Zurich | Switzerland | Europe | continental | no | no | 1 | German | its lake and banks
Geneva | Switzerland | Europe | continental | no | no | 1 | French | the Jet d'Eau fountain
Moscow | Russia | Europe | continental | no | yes | 13 | Russian | the Red Square
Saint Petersburg | Russia | Europe | continental | yes | no | 5 | Russian | the Hermitage Museum
Kyiv | Ukraine | Europe | continental | no | yes | 3 | Ukrainian | Saint Sophia Cathedral
Istanbul | Turkey | Europe | mediterranean | yes | no | 16 | Turkish | the Hagia Sophia
Marseille | France | Europe | mediterranean | yes | no | 2 | French | its Old Port
Naples | Italy | Europe | mediterranean | yes | no | 3 | Italian | Mount Vesuvius nearby
Reykjavik | Iceland | Europe | polar | yes | yes | 1 | Icelandic | the Hallgrimskirkja church
Bucharest | Romania | Europe | continental | no | yes | 2 | Romanian | the Palace of the Parliament
Tokyo | Japan | Asia | temperate | yes | yes | 37 | Japanese | the Shibuya crossing
Osaka | Japan | Asia | temperate | yes | no | 19 | Japanese | its castle
Kyoto | Japan | Asia | temperate | no | no | 1 | Japanese | thousands of temples
Beijing | China | Asia | continental | no | yes | 21 | Chinese | the Forbidden City
Shanghai | China | Asia | temperate | yes | no | 27 | Chinese | the Bund waterfront
Hong Kong | China | Asia | tropical | yes | no | 7 | Cantonese | Victoria Harbour
Seoul | South Korea | Asia | continental | no | yes | 10 | Korean | Gyeongbokgung Palace
Bangkok | Thailand | Asia | tropical | no | yes | 11 | Thai | the Grand Palace
Ho Chi Minh City | Vietnam | Asia | tropical | no | no | 9 | Vietnamese | its motorbike-filled streets
Kuala Lumpur | Malaysia | Asia | tropical | no | yes | 8 | Malay | the Petronas Towers
Jakarta | Indonesia | Asia | tropical | yes | yes | 11 | Indonesian | the National Monument
Manila | Philippines | Asia | tropical | yes | yes | 14 | Filipino | the walled Intramuros
Hanoi | Vietnam | Asia | tropical | no | yes | 8 | Vietnamese | Hoan Kiem Lake
Mumbai | India | Asia | tropical | yes | no | 21 | Hindi | the Gateway of India
Delhi | India | Asia | dry | no | yes | 32 | Hindi | the Red Fort
Bangalore | India | Asia | tropical | no | no | 13 | Kannada | its technology companies
Kolkata | India | Asia | tropical | no | no | 15 | Bengali | the Victoria Memorial
Karachi | Pakistan | Asia | dry | yes | no | 17 | Urdu | its port on the Arabian Sea
Dhaka | Bangladesh | Asia | tropical | no | yes | 23 | Bengali | its rickshaws
Kathmandu | Nepal | Asia | temperate | no | yes | 1 | Nepali | Himalayan temples
Dubai | United Arab Emirates | Asia | dry | yes | no | 3 | Arabic | the Burj Khalifa
Riyadh | Saudi Arabia | Asia | dry | no | yes | 7 | Arabic | the Kingdom Centre tower
Tehran | Iran | Asia | dry | no | yes | 9 | Persian | the Milad Tower
Jerusalem | Israel | Asia | mediterranean | no | no | 1 | Hebrew | the Western Wall
Baghdad | Iraq | Asia | dry | no | yes | 7 | Arabic | the Tigris river
Taipei | Taiwan | Asia | tropical | no | yes | 7 | Chinese | a 101-floor skyscraper
Ulaanbaatar | Mongolia | Asia | continental | no | yes | 2 | Mongolian | the Genghis Khan statue
Tashkent | Uzbekistan | Asia | continental | no | yes | 3 | Uzbek | its blue-domed mosques
Cairo | Egypt | Africa | dry | no | yes | 22 | Arabic | the pyramids of Giza
Lagos | Nigeria | Africa | tropical | yes | no | 15 | English | its lagoon markets
Nairobi | Kenya | Africa | temperate | no | yes | 5 | Swahili | a national park inside the city
Cape Town | South Africa | Africa | mediterranean | yes | no | 5 | English | Table Mountain
Johannesburg | South Africa | Africa | temperate | no | no | 6 | English | its gold-mining history
Casablanca | Morocco | Africa | mediterranean | yes | no | 4 | Arabic | the Hassan II Mosque
Marrakesh | Morocco | Africa | dry | no | no | 1 | Arabic | the Jemaa el-Fna square
Addis Ababa | Ethiopia | Africa | temperate | no | yes | 5 | Amharic | the African Union headquarters
Accra | Ghana | Africa | tropical | yes | yes | 3 | English | Independence Arch
Dakar | Senegal | Africa | tropical | yes | yes | 3 | French | the African Renaissance Monument
Kinshasa | DR Congo | Africa | tropical | no | yes | 17 | French | the Congo river
Tunis | Tunisia | Africa | mediterranean | yes | yes | 2 | Arabic | the ruins of Carthage
Dar es Salaam | Tanzania | Africa | tropical | yes | no | 7 | Swahili | its Indian Ocean harbour
New York | United States | North America | temperate | yes | no | 19 | English | the Statue of Liberty
Los Angeles | United States | North America | mediterranean | yes | no | 13 | English | Hollywood
Chicago | United States | North America | continental | no | no | 9 | English | the Willis Tower
San Francisco | United States | North America | mediterranean | yes | no | 5 | English | the Golden Gate Bridge
Washington | United States | North America | temperate | no | yes | 6 | English | the White House
Miami | United States | North America | tropical | yes | no | 6 | English | South Beach
Seattle | United States | North America | temperate | yes | no | 4 | English | the Space Needle
Las Vegas | United States | North America | dry | no | no | 2 | English | casinos on the Strip
Boston | United States | North America | continental | yes | no | 5 | English | Harvard University
Toronto | Canada | North America | continental | no | no | 6 | English | the CN Tower
Vancouver | Canada | North America | temperate | yes | no | 3 | English | Stanley Park
Montreal | Canada | North America | continental | no | no | 4 | French | its old town and bagels
Mexico City | Mexico | North America | temperate | no | yes | 22 | Spanish | the Aztec Templo Mayor
Havana | Cuba | North America | tropical | yes | yes | 2 | Spanish | vintage cars on the Malecon
Panama City | Panama | North America | tropical | yes | yes | 2 | Spanish | the Panama Canal
Sao Paulo | Brazil | South America | tropical | no | no | 22 | Portuguese | Avenida Paulista
Rio de Janeiro | Brazil | South America | tropical | yes | no | 13 | Portuguese | the Christ the Redeemer statue
Buenos Aires | Argentina | South America | temperate | yes | yes | 15 | Spanish | tango in La Boca
Lima | Peru | South America | dry | yes | yes | 11 | Spanish | its colonial cathedral
Bogota | Colombia | South America | temperate | no | yes | 11 | Spanish | the Gold Museum
Santiago | Chile | South America | mediterranean | no | yes | 7 | Spanish | the Andes on the horizon
Quito | Ecuador | South America | temperate | no | yes | 2 | Spanish | the equator monument
Sydney | Australia | Oceania | temperate | yes | no | 5 | English | the Opera House
Melbourne | Australia | Oceania | temperate | yes | no | 5 | English | its laneway cafes
Auckland | New Zealand | Oceania | temperate | yes | no | 2 | English | the Sky Tower
"""


@dataclass(frozen=True)
class City:
    name: str
    country: str
    continent: str
    climate: str
    coastal: bool
    capital: bool
    population_millions: int
    language: str
    landmark: str


def load_cities() -> dict[str, City]:
    cities = {}
    for line in CITIES_TEXT.strip().splitlines():
        name, country, continent, climate, coastal, capital, population, language, landmark = (
            field.strip() for field in line.split("|")
        )
        cities[name] = City(
            name, country, continent, climate, coastal == "yes", capital == "yes", int(population), language, landmark
        )
    return cities


CITIES = load_cities()
