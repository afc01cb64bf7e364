"""The NovaEats catalog: 30 restaurants in 12 categories and their menus, fixed in code.

Ids and slugs are permanent: the shop links to them and the warehouse references them. A menu item's id is
``restaurant_id * 100 + n``. Add new restaurants and items at the end with new ids; never renumber or reuse one.
Prices are USD with cents.
"""

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class MenuItem:
    """One dish or drink on a restaurant's menu."""

    item_id: int
    name: str
    price: float
    description: str
    is_popular: bool = False


@dataclass(frozen=True)
class Restaurant:
    """A restaurant listed on NovaEats, with its menu."""

    restaurant_id: int
    slug: str
    name: str
    category: str
    cuisine: str
    rating: float
    delivery_minutes: int
    delivery_fee: float
    price_level: int
    popularity: float
    items: tuple[MenuItem, ...]


def _menu(*rows: tuple) -> tuple[MenuItem, ...]:
    return tuple(MenuItem(*row) for row in rows)


P = True  # marks a popular item in the menus below

# fmt: off
RESTAURANTS: tuple[Restaurant, ...] = (
    Restaurant(1, "seoul-garden-bbq", "Seoul Garden BBQ", "Korean", "Korean BBQ", 4.7, 40, 3.49, 3, 0.78, _menu(
        (101, "Galbi Plate", 26.50, "Soy-marinated beef short ribs grilled over charcoal, with rice and banchan", P),
        (102, "Spicy Pork Bulgogi", 18.90, "Gochujang-glazed pork shoulder with onions and scallions", P),
        (103, "Beef Bulgogi Rice Bowl", 16.50, "Sweet soy beef over rice with a soft fried egg"),
        (104, "Samgyeopsal Set", 24.00, "Thick-cut pork belly with lettuce wraps, ssamjang and roasted garlic"),
        (105, "Japchae", 13.50, "Stir-fried sweet potato glass noodles with vegetables and beef"),
        (106, "Haemul Pajeon", 15.00, "Crispy scallion pancake with squid and shrimp"),
        (107, "Kimchi Jjigae", 14.50, "Aged kimchi, pork and tofu in a bubbling stew"),
        (108, "Gyeran-jjim", 7.50, "Fluffy savory steamed egg in a stone pot"),
        (109, "Extra Banchan", 5.00, "Four house side dishes of the day"),
        (110, "Barley Tea", 2.50, "Roasted barley tea, chilled"),
    )),
    Restaurant(2, "bibim-bowl-co", "Bibim Bowl Co.", "Korean", "Korean bowls", 4.5, 25, 1.99, 1, 0.66, _menu(
        (201, "Classic Bibimbap", 12.50, "Rice, seasoned vegetables, beef and a fried egg with gochujang", P),
        (202, "Dolsot Bibimbap", 14.50, "Served sizzling in a hot stone bowl for a crispy rice crust", P),
        (203, "Tofu Bibimbap", 11.50, "Crispy tofu, spinach, bean sprouts, carrot and sesame"),
        (204, "Spicy Tuna Bibimbap", 14.00, "Tuna, cucumber, seaweed and spicy mayo over rice"),
        (205, "Kimbap Roll", 8.50, "Seaweed rice roll with egg, pickled radish, spinach and ham"),
        (206, "Tteokbokki", 9.50, "Chewy rice cakes in a sweet and spicy gochujang sauce"),
        (207, "Pan-Fried Mandu (6 pcs)", 7.50, "Pork and vegetable dumplings, crisp on one side"),
        (208, "Fish Cake Soup", 6.50, "Light anchovy broth with skewered fish cakes"),
        (209, "Corn Cheese", 6.00, "Sweet corn baked with mozzarella"),
        (210, "Banana Milk", 3.00, "The classic Korean banana-flavoured milk"),
    )),
    Restaurant(3, "kimchi-and-co-tofu-house", "Kimchi & Co. Tofu House", "Korean", "Korean stews", 4.6, 30, 2.49,
               2, 0.52, _menu(
        (301, "Seafood Soondubu", 15.50, "Silken tofu stew with shrimp, clams and an egg, medium spicy", P),
        (302, "Beef Soondubu", 15.00, "Silken tofu stew with brisket and mushrooms", P),
        (303, "Vegetable Soondubu", 13.50, "Silken tofu stew with zucchini, mushrooms and onion"),
        (304, "Galbitang", 17.50, "Clear beef short rib soup with radish and glass noodles"),
        (305, "Dakgalbi", 16.50, "Spicy stir-fried chicken with cabbage and rice cakes"),
        (306, "Kimchi Fried Rice", 12.00, "Wok-fried rice with aged kimchi, pork and a fried egg"),
        (307, "Seafood Pancake", 14.00, "Crisp pancake loaded with squid, shrimp and scallions"),
        (308, "Purple Multigrain Rice", 3.00, "Steamed rice with black rice and barley"),
        (309, "Omija Ade", 4.50, "Sparkling five-flavour berry ade"),
    )),
    Restaurant(4, "crispy-coop", "Crispy Coop", "Chicken", "Korean fried chicken", 4.8, 35, 2.99, 2, 0.95, _menu(
        (401, "Original Fried Chicken (Whole)", 22.00, "Double-fried for a thin, shattering crust", P),
        (402, "Yangnyeom Chicken (Whole)", 24.00, "Glazed in a sweet, sticky, spicy red sauce", P),
        (403, "Soy Garlic Wings (12 pcs)", 17.50, "Crisp wings tossed in soy garlic glaze", P),
        (404, "Half & Half", 24.50, "Half original, half yangnyeom, for the undecided"),
        (405, "Honey Butter Boneless", 16.00, "Boneless thigh bites with honey butter seasoning"),
        (406, "Snow Cheese Chicken", 23.00, "Fried chicken under a blizzard of sweet cheese powder"),
        (407, "Pickled Radish", 2.00, "Cubed sweet and sour radish, the essential side"),
        (408, "Cheese Balls (5 pcs)", 6.50, "Chewy fried mozzarella balls"),
        (409, "Seasoned Fries", 4.50, "Crinkle-cut fries with house seasoning"),
        (410, "Cola", 2.50, "Can, 12 oz"),
        (411, "Cola Zero", 2.50, "Can, 12 oz, no sugar"),
    )),
    Restaurant(5, "nashville-hot-shack", "Nashville Hot Shack", "Chicken", "Nashville hot chicken", 4.4, 30, 2.49,
               1, 0.74, _menu(
        (501, "Hot Chicken Sandwich", 11.50, "Cayenne-fried thigh, slaw and pickles on a brioche bun", P),
        (502, "Tenders Combo (3 pcs)", 12.50, "Three hot tenders with fries, white bread and pickles", P),
        (503, "Tenders Combo (5 pcs)", 16.50, "Five hot tenders with fries and comeback sauce"),
        (504, "Quarter Bird", 13.50, "Bone-in dark meat at the heat level you dare"),
        (505, "Hot Chicken Mac Bowl", 13.00, "Three-cheese mac topped with sliced hot tenders"),
        (506, "Mac & Cheese", 5.50, "Baked with three cheeses"),
        (507, "Coleslaw", 3.50, "Creamy and crunchy"),
        (508, "Waffle Fries", 4.50, "Dusted with Nashville spice"),
        (509, "Banana Pudding", 5.50, "Vanilla wafers, fresh banana and whipped cream"),
        (510, "Sweet Tea", 3.00, "Southern style, lots of ice"),
    )),
    Restaurant(6, "peri-peri-grill", "Peri Peri Grill", "Chicken", "Portuguese rotisserie", 4.3, 35, 2.99, 2, 0.48,
               _menu(
        (601, "Half Peri-Peri Chicken", 16.50, "Flame-grilled half chicken basted with peri-peri", P),
        (602, "Whole Peri-Peri Chicken", 28.00, "Serves two to three, with two large sides"),
        (603, "Chicken Pita", 11.50, "Grilled chicken breast, tomato, lettuce and garlic mayo", P),
        (604, "Chicken Wrap", 11.00, "Chicken, peppers, rice and lemon herb sauce in a tortilla"),
        (605, "Butterfly Breast Plate", 15.00, "Two grilled chicken breasts with one side"),
        (606, "Spicy Rice", 4.50, "Rice with peppers and peri-peri spice"),
        (607, "Corn on the Cob", 4.00, "Grilled, with chili butter"),
        (608, "Garlic Bread", 4.50, "Toasted ciabatta with garlic butter"),
        (609, "Pastel de Nata", 3.50, "Portuguese custard tart with a caramelised top"),
    )),
    Restaurant(7, "slice-of-brooklyn", "Slice of Brooklyn", "Pizza", "New York pizza", 4.5, 30, 1.99, 1, 0.90, _menu(
        (701, "Cheese Pie (18 in)", 20.00, "Tomato sauce, low-moisture mozzarella, foldable crust", P),
        (702, "Pepperoni Pie (18 in)", 23.00, "Loaded with crispy-edged pepperoni", P),
        (703, "Margherita Pie (18 in)", 21.00, "Fresh mozzarella, basil and olive oil"),
        (704, "White Pie (18 in)", 22.00, "Ricotta, mozzarella, garlic and oregano"),
        (705, "Meat Lovers Pie (18 in)", 26.00, "Pepperoni, sausage, bacon and meatballs"),
        (706, "Cheese Slice", 4.00, "One big New York slice"),
        (707, "Pepperoni Slice", 4.75, "One big slice with pepperoni", P),
        (708, "Garlic Knots (6 pcs)", 5.50, "With marinara for dipping"),
        (709, "Caesar Salad", 9.00, "Romaine, parmesan, croutons and creamy dressing"),
        (710, "Cannoli", 4.50, "Crisp shell filled to order with sweet ricotta"),
        (711, "Soda", 2.50, "Can, 12 oz"),
    )),
    Restaurant(8, "napoli-wood-fire", "Napoli Wood Fire", "Pizza", "Neapolitan pizza", 4.8, 40, 3.49, 3, 0.70, _menu(
        (801, "Margherita DOP", 17.00, "San Marzano tomato, fior di latte, basil, 90 seconds at 900°F", P),
        (802, "Diavola", 19.00, "Spicy salami, tomato, mozzarella and chili oil", P),
        (803, "Quattro Formaggi", 20.00, "Mozzarella, gorgonzola, fontina and parmesan"),
        (804, "Funghi e Tartufo", 23.00, "Wild mushrooms, truffle cream and thyme"),
        (805, "Prosciutto e Rucola", 22.00, "Prosciutto di Parma, arugula and shaved parmesan"),
        (806, "Marinara", 14.00, "Tomato, garlic, oregano and olive oil; no cheese"),
        (807, "Burrata Caprese", 14.00, "Creamy burrata, heirloom tomatoes and basil"),
        (808, "Arancini (3 pcs)", 10.00, "Saffron risotto balls with a mozzarella heart"),
        (809, "Tiramisu", 9.00, "Espresso-soaked ladyfingers and mascarpone"),
        (810, "Sparkling Water", 3.50, "500 ml bottle"),
    )),
    Restaurant(9, "detroit-square-pie", "Detroit Square Pie", "Pizza", "Detroit-style pizza", 4.6, 35, 2.49, 2, 0.60,
               _menu(
        (901, "The Classic Red Top", 18.50, "Brick cheese to the edges, sauce striped on top", P),
        (902, "Pepperoni Cup & Char", 20.50, "Cupped pepperoni and a caramelised cheese crown", P),
        (903, "Hot Honey Pie", 21.00, "Soppressata, jalapeño and a drizzle of hot honey"),
        (904, "Veggie Garden", 19.00, "Peppers, onion, mushrooms, olives and basil"),
        (905, "BBQ Chicken Square", 21.50, "Smoked chicken, red onion, cilantro and BBQ sauce"),
        (906, "Cheesy Bread", 9.00, "Focaccia crust, garlic butter and brick cheese"),
        (907, "Wings (8 pcs)", 13.00, "Buffalo or garlic parmesan"),
        (908, "Ranch Dip", 1.50, "House buttermilk ranch"),
        (909, "Fudge Brownie", 4.50, "Dense, chewy and still warm"),
    )),
    Restaurant(10, "patty-lab", "Patty Lab", "Burgers", "Gourmet burgers", 4.6, 30, 2.99, 3, 0.72, _menu(
        (1001, "Lab Classic", 15.50, "Dry-aged beef, aged cheddar, lettuce, tomato and lab sauce", P),
        (1002, "Truffle Mushroom Burger", 18.50, "Swiss cheese, roasted mushrooms and truffle aioli", P),
        (1003, "Blue Cheese Bacon", 17.50, "Maytag blue, thick-cut bacon and onion jam"),
        (1004, "Wagyu Double", 22.00, "Two wagyu patties, American cheese and pickles"),
        (1005, "Crispy Chicken Burger", 15.00, "Buttermilk-fried thigh, slaw and hot honey"),
        (1006, "Plant Burger", 16.00, "Plant-based patty, vegan cheese and smoked tomato relish"),
        (1007, "Truffle Fries", 7.50, "Parmesan, parsley and truffle oil"),
        (1008, "Beer-Battered Onion Rings", 6.50, "Thick-cut and crunchy"),
        (1009, "Vanilla Bean Shake", 7.00, "Made with real vanilla bean ice cream"),
        (1010, "Salted Caramel Shake", 7.50, "Caramel swirl and a pinch of sea salt"),
    )),
    Restaurant(11, "smash-street", "Smash Street", "Burgers", "Smash burgers", 4.5, 25, 1.49, 1, 0.88, _menu(
        (1101, "Single Smash", 8.50, "One crispy-edged patty, American cheese, pickles and onions", P),
        (1102, "Double Smash", 11.00, "Two patties, two slices of cheese, street sauce", P),
        (1103, "Triple Smash", 13.50, "For the truly hungry"),
        (1104, "Bacon Double", 12.50, "Double smash with smoked bacon"),
        (1105, "Chicken Smash", 10.00, "Smashed chicken patty, lettuce and garlic mayo"),
        (1106, "Fries", 3.50, "Skin-on, salted"),
        (1107, "Cheese Fries", 5.00, "Fries under molten cheese sauce"),
        (1108, "Chocolate Shake", 5.50, "Thick and chocolatey"),
        (1109, "Fountain Soda", 2.50, "Large, your choice of flavour"),
    )),
    Restaurant(12, "grill-daddy", "Grill Daddy", "Burgers", "Diner burgers", 4.1, 35, 2.49, 2, 0.42, _menu(
        (1201, "Diner Cheeseburger", 12.00, "Griddled patty, American cheese and all the fixings", P),
        (1202, "Patty Melt", 13.00, "Rye, Swiss cheese and caramelised onions"),
        (1203, "BBQ Bacon Burger", 14.50, "Bacon, cheddar, onion rings and BBQ sauce", P),
        (1204, "Mushroom Swiss Burger", 13.50, "Sautéed mushrooms and melted Swiss"),
        (1205, "Chili Cheese Dog", 9.00, "All-beef frank with house chili and cheddar"),
        (1206, "Loaded Tots", 7.50, "Tater tots, cheese sauce, bacon and scallions"),
        (1207, "Side Salad", 5.00, "Mixed greens, tomato, cucumber and ranch"),
        (1208, "Root Beer Float", 5.50, "Root beer and vanilla soft serve"),
    )),
    Restaurant(13, "tsuki-sushi-bar", "Tsuki Sushi Bar", "Sushi", "Japanese sushi", 4.8, 45, 3.99, 3, 0.68, _menu(
        (1301, "Chef's Omakase Box (12 pcs)", 42.00, "Twelve pieces of the chef's nigiri selection", P),
        (1302, "Salmon Nigiri (2 pcs)", 7.50, "Scottish salmon over seasoned rice"),
        (1303, "Otoro Nigiri (2 pcs)", 14.00, "Fatty bluefin tuna belly"),
        (1304, "Spicy Tuna Roll", 9.50, "Tuna, chili mayo, cucumber and tempura crunch", P),
        (1305, "Dragon Roll", 16.00, "Shrimp tempura inside, avocado and eel on top", P),
        (1306, "Rainbow Roll", 17.00, "California roll topped with five kinds of fish"),
        (1307, "California Roll", 8.50, "Snow crab, avocado and cucumber"),
        (1308, "Salmon Sashimi (6 pcs)", 15.00, "Thick-cut salmon with shiso and daikon"),
        (1309, "Miso Soup", 3.50, "Tofu, wakame and scallion"),
        (1310, "Edamame", 5.00, "Steamed with sea salt"),
        (1311, "Seaweed Salad", 6.00, "Marinated wakame with sesame"),
        (1312, "Mochi Ice Cream (3 pcs)", 6.50, "Mango, matcha and strawberry"),
    )),
    Restaurant(14, "poke-pacific", "Poke Pacific", "Sushi", "Hawaiian poke", 4.5, 25, 1.99, 2, 0.64, _menu(
        (1401, "Classic Ahi Poke Bowl", 15.50, "Ahi tuna, shoyu, sweet onion and seaweed over rice", P),
        (1402, "Salmon Avocado Bowl", 15.50, "Salmon, avocado, cucumber and ponzu", P),
        (1403, "Spicy Tuna Bowl", 15.00, "Tuna in sriracha mayo with masago and scallions"),
        (1404, "Tofu Poke Bowl", 12.50, "Marinated tofu, edamame, corn and sesame dressing"),
        (1405, "Build-Your-Own Large Bowl", 18.00, "Three proteins and unlimited toppings"),
        (1406, "Sushi Burrito", 14.00, "A giant hand roll with tuna, crab and avocado"),
        (1407, "Spam Musubi", 5.00, "Grilled spam on rice, wrapped in nori"),
        (1408, "Extra Avocado", 2.50, "Half a ripe avocado, sliced"),
        (1409, "Coconut Water", 3.50, "Chilled, 11 oz"),
    )),
    Restaurant(15, "ramen-ichiban", "Ramen Ichiban", "Noodles", "Japanese ramen", 4.7, 35, 2.99, 2, 0.86, _menu(
        (1501, "Tonkotsu Ramen", 16.00, "18-hour pork bone broth, chashu, ajitama egg and scallions", P),
        (1502, "Spicy Miso Ramen", 16.50, "Rich miso broth, ground pork, corn and chili oil", P),
        (1503, "Shoyu Ramen", 15.00, "Clear soy chicken broth with bamboo shoots and nori"),
        (1504, "Vegan Tantanmen", 15.50, "Sesame soy milk broth with spicy plant-based mince"),
        (1505, "Tsukemen", 17.00, "Thick dipping noodles with a concentrated broth"),
        (1506, "Pork Gyoza (6 pcs)", 7.50, "Pan-fried dumplings with a crisp lattice", P),
        (1507, "Chicken Karaage", 8.50, "Japanese fried chicken with lemon and kewpie"),
        (1508, "Chashu Rice Bowl", 9.50, "Torched pork belly over rice"),
        (1509, "Extra Ajitama Egg", 2.50, "Soy-marinated soft-boiled egg"),
        (1510, "Ramune Soda", 3.50, "Marble soda, original flavour"),
    )),
    Restaurant(16, "pho-saigon-kitchen", "Pho Saigon Kitchen", "Noodles", "Vietnamese", 4.6, 30, 1.99, 1, 0.70,
               _menu(
        (1601, "Pho Tai", 13.50, "Rare beef in a star anise beef broth with rice noodles", P),
        (1602, "Pho Dac Biet", 15.50, "The house special: rare beef, brisket, tendon and meatballs", P),
        (1603, "Chicken Pho", 13.00, "Poached chicken in a ginger chicken broth"),
        (1604, "Bun Bo Hue", 14.50, "Spicy lemongrass beef noodle soup"),
        (1605, "Bun Cha", 14.00, "Grilled pork patties, vermicelli, herbs and dipping sauce"),
        (1606, "Lemongrass Chicken Banh Mi", 10.50, "Pickled carrot, daikon, cilantro and pâté on baguette"),
        (1607, "Fresh Spring Rolls (2 pcs)", 6.50, "Shrimp, pork and herbs with peanut sauce"),
        (1608, "Crispy Imperial Rolls (4 pcs)", 7.00, "Fried pork and taro rolls with nuoc cham"),
        (1609, "Vietnamese Iced Coffee", 5.00, "Dark roast over condensed milk"),
    )),
    Restaurant(17, "wok-this-way", "Wok This Way", "Noodles", "Chinese noodles", 4.2, 30, 1.99, 1, 0.58, _menu(
        (1701, "Beef Chow Fun", 13.50, "Wide rice noodles wok-tossed with beef and bean sprouts", P),
        (1702, "Dan Dan Noodles", 12.00, "Sichuan pork, chili oil, sesame paste and peanuts", P),
        (1703, "Chicken Lo Mein", 11.50, "Egg noodles with chicken, cabbage and carrot"),
        (1704, "Shrimp Fried Rice", 12.50, "Wok-fried with egg, peas and scallions"),
        (1705, "Mapo Tofu", 12.00, "Silken tofu in a numbing, spicy bean sauce"),
        (1706, "General Tso's Chicken", 13.50, "Crispy chicken in a sweet and tangy glaze"),
        (1707, "Biang Biang Noodles", 14.00, "Hand-pulled belt noodles with cumin lamb"),
        (1708, "Pork Soup Dumplings (6 pcs)", 9.50, "Xiao long bao with a mouthful of broth"),
        (1709, "Scallion Pancake", 6.00, "Flaky, layered and pan-fried"),
        (1710, "Hot and Sour Soup", 5.00, "Tofu, mushrooms and bamboo shoots"),
    )),
    Restaurant(18, "green-fork", "Green Fork", "Salads", "Salads", 4.5, 20, 1.99, 2, 0.62, _menu(
        (1801, "Harvest Bowl", 14.50, "Roasted chicken, sweet potato, apple, goat cheese and kale", P),
        (1802, "Chicken Caesar", 13.50, "Romaine, parmesan crisp, croutons and lemon Caesar", P),
        (1803, "Kale Cobb", 14.00, "Kale, bacon, egg, avocado, blue cheese and tomato"),
        (1804, "Super Greens", 12.50, "Spinach, broccoli, edamame, cucumber and green goddess"),
        (1805, "Salmon Niçoise", 17.00, "Roasted salmon, potatoes, green beans, egg and olives"),
        (1806, "Chipotle Chicken Avocado", 14.50, "Chicken, black beans, corn, avocado and chipotle ranch"),
        (1807, "Build Your Own Salad", 13.00, "A base, four toppings, a protein and a dressing"),
        (1808, "Tomato Basil Soup", 6.50, "Creamy, with a parmesan crouton"),
        (1809, "Green Juice", 7.00, "Cold-pressed celery, cucumber, kale and apple"),
        (1810, "Lemonade", 4.00, "Fresh-squeezed"),
    )),
    Restaurant(19, "grain-and-greens", "Grain & Greens", "Salads", "Grain bowls", 4.4, 25, 2.49, 2, 0.45, _menu(
        (1901, "Mediterranean Quinoa Bowl", 13.50, "Quinoa, chickpeas, cucumber, feta and lemon tahini", P),
        (1902, "Teriyaki Salmon Bowl", 16.50, "Glazed salmon, brown rice, edamame and pickled ginger", P),
        (1903, "Chicken Shawarma Bowl", 14.00, "Spiced chicken, turmeric rice, pickles and garlic sauce"),
        (1904, "Falafel Tahini Bowl", 12.50, "Crispy falafel, hummus, tabbouleh and tahini"),
        (1905, "Steak & Chimichurri Bowl", 17.50, "Grilled flank steak, farro, roasted peppers and chimichurri"),
        (1906, "Roasted Sweet Potato", 5.00, "With smoked paprika and lime"),
        (1907, "Hummus & Pita", 6.50, "Creamy hummus with warm pita"),
        (1908, "Cold Brew", 4.50, "Steeped for 18 hours"),
    )),
    Restaurant(20, "taqueria-el-sol", "Taqueria El Sol", "Mexican", "Street tacos", 4.7, 25, 1.49, 1, 0.84, _menu(
        (2001, "Al Pastor Tacos (3 pcs)", 10.50, "Spit-roasted pork with pineapple, onion and cilantro", P),
        (2002, "Carne Asada Tacos (3 pcs)", 11.50, "Grilled steak, salsa verde and radish", P),
        (2003, "Birria Tacos with Consomé (3 pcs)", 14.00, "Braised beef tacos, crisped, with dipping broth", P),
        (2004, "Carnitas Tacos (3 pcs)", 10.50, "Slow-cooked pork, pickled onion and salsa roja"),
        (2005, "Chicken Quesadilla", 11.00, "Flour tortilla, Oaxaca cheese and grilled chicken"),
        (2006, "Elote", 5.00, "Street corn with mayo, cotija, chili and lime"),
        (2007, "Chips & Guacamole", 7.00, "Made fresh every morning"),
        (2008, "Horchata", 4.00, "Rice and cinnamon agua fresca"),
        (2009, "Mexican Soda", 3.00, "Mandarin, tamarind or lime"),
        (2010, "Churros", 5.50, "Cinnamon sugar with chocolate sauce"),
    )),
    Restaurant(21, "burrito-barn", "Burrito Barn", "Mexican", "Mission burritos", 4.3, 30, 1.99, 1, 0.66, _menu(
        (2101, "Super Burrito", 13.50, "Carne asada, rice, beans, cheese, guacamole and sour cream", P),
        (2102, "Chicken Burrito", 11.50, "Grilled chicken, rice, beans, salsa and cheese", P),
        (2103, "Veggie Burrito", 10.50, "Fajita vegetables, rice, black beans and guacamole"),
        (2104, "Breakfast Burrito", 10.00, "Eggs, chorizo, potatoes and cheese"),
        (2105, "California Burrito", 13.00, "Carne asada, french fries, cheese and sour cream"),
        (2106, "Burrito Bowl", 12.00, "Everything but the tortilla"),
        (2107, "Nachos Supreme", 11.00, "Chips, cheese, beans, pico de gallo and jalapeños"),
        (2108, "Chips & Salsa", 4.00, "Red and green salsas"),
        (2109, "Agua Fresca", 3.50, "Watermelon or hibiscus"),
    )),
    Restaurant(22, "baja-fish-tacos", "Baja Fish Tacos", "Mexican", "Baja seafood", 4.5, 35, 2.99, 2, 0.40, _menu(
        (2201, "Baja Fish Tacos (2 pcs)", 10.00, "Beer-battered cod, cabbage and chipotle crema", P),
        (2202, "Grilled Shrimp Tacos (2 pcs)", 11.50, "Chili-lime shrimp, mango salsa and avocado", P),
        (2203, "Ceviche Tostadas (2 pcs)", 12.00, "Lime-cured fish, tomato, onion and cilantro"),
        (2204, "Fish Burrito", 13.50, "Battered fish, rice, slaw and salsa fresca"),
        (2205, "Mexican Shrimp Cocktail", 14.00, "Chilled shrimp in a spicy tomato lime broth"),
        (2206, "Aguachile", 15.50, "Raw shrimp in chili lime water with cucumber"),
        (2207, "Rice & Beans", 4.50, "Mexican red rice and refried pinto beans"),
        (2208, "Limonada", 4.00, "Sparkling lime lemonade"),
    )),
    Restaurant(23, "tandoor-nights", "Tandoor Nights", "Indian", "North Indian", 4.6, 40, 2.99, 2, 0.70, _menu(
        (2301, "Butter Chicken", 17.50, "Tandoori chicken in a creamy tomato and fenugreek sauce", P),
        (2302, "Chicken Tikka Masala", 17.00, "Charred chicken tikka in a spiced masala gravy", P),
        (2303, "Lamb Rogan Josh", 19.50, "Slow-braised lamb with Kashmiri chili"),
        (2304, "Palak Paneer", 15.00, "Cottage cheese in a garlicky spinach purée"),
        (2305, "Chana Masala", 13.50, "Chickpeas in a tangy onion tomato gravy"),
        (2306, "Tandoori Chicken (Half)", 16.50, "Yogurt and spice marinated, clay-oven roasted"),
        (2307, "Vegetable Samosas (2 pcs)", 6.50, "Potato and pea pastries with tamarind chutney"),
        (2308, "Garlic Naan", 4.00, "Brushed with garlic butter and cilantro", P),
        (2309, "Basmati Rice", 3.50, "Steamed with cumin"),
        (2310, "Mango Lassi", 5.00, "Alphonso mango and yogurt"),
        (2311, "Gulab Jamun", 5.50, "Milk dumplings in rose cardamom syrup"),
    )),
    Restaurant(24, "curry-leaf", "Curry Leaf", "Indian", "South Indian", 4.5, 35, 2.49, 1, 0.46, _menu(
        (2401, "Masala Dosa", 12.00, "Crisp rice crêpe with spiced potato, sambar and chutneys", P),
        (2402, "Chicken Chettinad", 15.50, "Black pepper and roasted coconut chicken curry", P),
        (2403, "Vegetable Biryani", 13.00, "Fragrant basmati layered with vegetables and saffron"),
        (2404, "Hyderabadi Chicken Biryani", 15.50, "Dum-cooked with fried onions and mint"),
        (2405, "Idli Sambar", 9.00, "Steamed rice cakes with lentil stew"),
        (2406, "Medu Vada (3 pcs)", 8.00, "Crispy lentil doughnuts with coconut chutney"),
        (2407, "Kerala Fish Curry", 16.50, "Kingfish in a tangy coconut and kokum curry"),
        (2408, "Coconut Rice", 4.50, "Tempered with mustard seeds and curry leaves"),
        (2409, "Filter Coffee", 3.50, "Strong South Indian coffee with frothy milk"),
    )),
    Restaurant(25, "sugar-cloud-desserts", "Sugar Cloud Desserts", "Cafe & Desserts", "Desserts", 4.7, 25, 2.49, 2,
               0.55, _menu(
        (2501, "Mango Bingsu", 13.50, "Snowflake milk ice with fresh mango and mango sorbet", P),
        (2502, "Injeolmi Bingsu", 13.00, "Milk ice, roasted soybean powder, rice cakes and almonds"),
        (2503, "Basque Cheesecake Slice", 7.50, "Burnt top, creamy centre", P),
        (2504, "Tiramisu Cup", 7.00, "Layered to order"),
        (2505, "Matcha Lava Cake", 8.50, "Warm with a molten white chocolate matcha centre"),
        (2506, "Belgian Waffle", 9.00, "With berries, cream and maple syrup"),
        (2507, "Croffle", 6.50, "A croissant pressed in a waffle iron, with brown sugar"),
        (2508, "Strawberry Shortcake Slice", 7.50, "Sponge, cream and fresh strawberries"),
        (2509, "Gelato Pint", 10.00, "Pistachio, hazelnut or stracciatella"),
    )),
    Restaurant(26, "bean-and-leaf-cafe", "Bean & Leaf Cafe", "Cafe & Desserts", "Coffee & tea", 4.4, 20, 1.49, 1,
               0.60, _menu(
        (2601, "Iced Americano", 4.00, "Double shot over ice", P),
        (2602, "Caffè Latte", 4.75, "Double shot with steamed milk", P),
        (2603, "Vanilla Cold Brew", 5.25, "With vanilla sweet cream"),
        (2604, "Matcha Latte", 5.50, "Ceremonial-grade matcha whisked with milk"),
        (2605, "Brown Sugar Boba Milk Tea", 6.00, "Tiger-striped with warm tapioca pearls"),
        (2606, "Chai Latte", 5.00, "House-brewed spiced chai"),
        (2607, "Avocado Toast", 9.50, "Sourdough, smashed avocado, chili flakes and a poached egg"),
        (2608, "Egg & Cheese Bagel", 7.50, "Scrambled egg and cheddar on an everything bagel"),
        (2609, "Blueberry Muffin", 3.75, "Bursting with blueberries, crumb top"),
        (2610, "Chocolate Chip Cookie", 3.00, "Brown butter and sea salt"),
    )),
    Restaurant(27, "plant-power-kitchen", "Plant Power Kitchen", "Vegan", "Plant-based comfort food", 4.6, 30, 2.49,
               2, 0.50, _menu(
        (2701, "BBQ Jackfruit Sandwich", 13.50, "Pulled jackfruit, slaw and pickles on a pretzel bun", P),
        (2702, "Plant Cheeseburger", 15.00, "Plant-based patty, cashew cheese and special sauce", P),
        (2703, "Buffalo Cauliflower Wings", 10.50, "With vegan ranch and celery"),
        (2704, "Mac & Cashew Cheese", 11.50, "Creamy cashew sauce and toasted breadcrumbs"),
        (2705, "Buffalo Tofu Wrap", 12.00, "Crispy tofu, romaine, tomato and ranch"),
        (2706, "Sweet Potato Fries", 5.50, "With chipotle mayo"),
        (2707, "Vegan Kale Caesar", 11.00, "Kale, capers, almond parmesan and sourdough croutons"),
        (2708, "Oat Milk Shake", 7.00, "Vanilla, chocolate or strawberry"),
        (2709, "Chocolate Avocado Mousse", 6.50, "Rich, silky and dairy-free"),
    )),
    Restaurant(28, "root-and-sprout", "Root & Sprout", "Vegan", "Vegan bowls", 4.5, 25, 1.99, 2, 0.38, _menu(
        (2801, "Buddha Bowl", 13.50, "Brown rice, roasted vegetables, chickpeas and tahini", P),
        (2802, "Tempeh Satay Bowl", 14.00, "Grilled tempeh, peanut sauce, greens and rice"),
        (2803, "Lentil Shepherd's Pie", 14.50, "Lentil ragù under mashed potato"),
        (2804, "Miso-Glazed Eggplant", 13.00, "With sesame rice and pickled cucumber", P),
        (2805, "Chickpea Curry", 12.50, "Coconut, spinach and chickpeas with basmati"),
        (2806, "Zucchini Noodle Pad Thai", 13.50, "Tamarind sauce, tofu, peanuts and lime"),
        (2807, "Sesame Brown Rice", 3.50, "Toasted sesame and scallions"),
        (2808, "Cold-Pressed Beet Juice", 7.50, "Beet, carrot, apple and ginger"),
    )),
    Restaurant(29, "golden-crust-bakery", "Golden Crust Bakery", "Bakery", "Bakery", 4.6, 25, 1.99, 1, 0.52, _menu(
        (2901, "Butter Croissant", 3.75, "Flaky, laminated with French butter", P),
        (2902, "Almond Croissant", 4.75, "Twice-baked with frangipane and toasted almonds", P),
        (2903, "Sourdough Loaf", 8.50, "Naturally leavened, baked this morning"),
        (2904, "Cinnamon Roll", 4.50, "Brown sugar swirl and cream cheese icing"),
        (2905, "Ham & Gruyère Croissant", 7.50, "Warm, buttery and savoury"),
        (2906, "Spinach Feta Quiche Slice", 7.00, "Custardy filling in a short crust"),
        (2907, "Bagel Box (6 pcs)", 14.00, "Six bagels with two cream cheeses"),
        (2908, "Kouign-Amann", 4.75, "Caramelised Breton butter cake"),
        (2909, "Pain au Chocolat", 4.25, "Two bars of dark chocolate inside"),
        (2910, "Drip Coffee", 2.75, "House blend, 12 oz"),
    )),
    Restaurant(30, "maison-douce-patisserie", "Maison Douce Pâtisserie", "Bakery", "French pâtisserie", 4.8, 35, 3.49,
               3, 0.34, _menu(
        (3001, "Macaron Box (12 pcs)", 28.00, "Twelve macarons in seasonal flavours", P),
        (3002, "Strawberry Tart", 8.50, "Vanilla crème pâtissière and fresh strawberries", P),
        (3003, "Opera Cake Slice", 8.00, "Almond sponge, coffee buttercream and ganache"),
        (3004, "Paris-Brest", 9.00, "Choux ring with praline mousseline"),
        (3005, "Lemon Meringue Tart", 8.00, "Sharp lemon curd under torched meringue"),
        (3006, "Chocolate Éclair", 6.50, "Dark chocolate cream and glaze"),
        (3007, "Mille-Feuille", 8.50, "Caramelised puff pastry and vanilla cream"),
        (3008, "Celebration Cake (8 in)", 48.00, "Serves eight to ten; order a day ahead for a message"),
        (3009, "Hot Chocolate", 5.50, "Made with 70% dark chocolate"),
    )),
)
# fmt: on

RESTAURANT_COLUMNS = (
    "restaurant_id",
    "slug",
    "name",
    "category",
    "cuisine",
    "rating",
    "delivery_minutes",
    "delivery_fee",
    "price_level",
    "popularity",
)
MENU_ITEM_COLUMNS = ("item_id", "restaurant_id", "name", "description", "price", "is_popular")


def restaurants_frame() -> pd.DataFrame:
    """The restaurants table, one row per restaurant, ordered by id."""
    rows = [tuple(getattr(r, c) for c in RESTAURANT_COLUMNS) for r in RESTAURANTS]
    return pd.DataFrame(rows, columns=list(RESTAURANT_COLUMNS))


def menu_items_frame() -> pd.DataFrame:
    """The menu_items table, one row per item, ordered by restaurant then menu position."""
    rows = [
        (i.item_id, r.restaurant_id, i.name, i.description, i.price, i.is_popular) for r in RESTAURANTS for i in r.items
    ]
    return pd.DataFrame(rows, columns=list(MENU_ITEM_COLUMNS))


def categories() -> list[str]:
    """Categories in catalog order, each once."""
    return list(dict.fromkeys(r.category for r in RESTAURANTS))
